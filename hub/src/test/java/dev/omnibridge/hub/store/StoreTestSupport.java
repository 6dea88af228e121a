package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
