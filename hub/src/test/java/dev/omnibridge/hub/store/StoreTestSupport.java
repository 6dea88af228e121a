package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Helpers for tests against a real H2 file database. */
final class StoreTestSupport {
    private StoreTestSupport() {
    }

    static Database openDatabase(Path dir) {
        return Database.open(new HubConfig.Store(null, null, null), dir, 4);
    }

    static long count(Database db, String sql, Object... params) {
        try (Connection c = db.connection(); PreparedStatement ps = Sql.prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String string(Database db, String sql, Object... params) {
        try (Connection c = db.connection()) {
            return Sql.string(c, sql, params).orElse(null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message customerMessage(String instance, String channelMessageId, String threadKey, String email,
                                   String text) {
        return Message.builder().channel(new ChannelRef("webhook-channel", instance))
                .channelMessageId(channelMessageId).threadKey(threadKey)
                .author(Author.customer("Ann", Address.email(email))).text(text).build();
    }

    /**
     * Writes, with plain SQL on a store left at an older schema version, contact {@code contact-1}, its conversation
     * {@code conv-1} (thread {@code t-1} of instance {@code web}) and {@code m} as its inbound message {@code msg-1}
     * (source id {@code c-1}): the rows a migration test then migrates.
     */
    static void writeOldConversation(Connection c, Message m, Instant at) throws SQLException {
        Sql.update(c, "INSERT INTO contacts (id, display_name, created_at) VALUES ('contact-1', 'Ann', ?)", at);
        Sql.update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, "
                + "status, created_at, last_message_at) VALUES ('conv-1', 'webhook-channel', 'web', 't-1', "
                + "'contact-1', 'OPEN', ?, ?)", at, at);
        Sql.update(c, "INSERT INTO messages (id, source_instance, source_id, conversation_id, direction, body, "
                + "received_at) VALUES ('msg-1', 'web', 'c-1', 'conv-1', 'INBOUND', ?, ?)",
                CanonicalJson.writeString(m), at);
    }

    /**
     * Holds the journal's writer until the returned latch is counted down, so that everything submitted meanwhile
     * shares one group commit.
     */
    static CountDownLatch holdWriter(Journal journal) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        journal.submit((c, after) -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        if (!running.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the journal's writer did not pick up the holding unit within 10 s");
        }
        return release;
    }
}
