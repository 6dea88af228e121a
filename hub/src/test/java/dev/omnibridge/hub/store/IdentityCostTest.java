package dev.omnibridge.hub.store;

import dev.omnibridge.hub.identity.HistoryNoteConfig;
import dev.omnibridge.hub.identity.HistoryNotes;
import dev.omnibridge.hub.identity.InboundIdentity;
import dev.omnibridge.hub.identity.PhoneNumbers;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What identity costs the write path, counted in statements on the writer's connection: nothing for a message of a
 * known conversation, and a small bound (independent of how many contacts and conversations the store holds) for
 * the first message of a conversation.
 */
class IdentityCostTest {
    /** Statements identity may add to the first message of a conversation (the note's own outbox rows aside). */
    static final int BOUND = 8;

    @TempDir
    Path dir;
    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private final List<Integer> perConversation = new CopyOnWriteArrayList<>();
    private final AtomicInteger notes = new AtomicInteger();

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        writer = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(), new RecentMessages());
        InboundIdentity identity = new InboundIdentity(new PhoneNumbers("DE"),
                new HistoryNotes(HistoryNoteConfig.standard(), URI.create("https://hub.example"),
                        (c, after, note, now) -> {
                            notes.incrementAndGet();
                            return List.of();
                        }));
        writer.identify((c, after, first, contactId, newContact, desks, now) -> {
            AtomicInteger statements = new AtomicInteger();
            Connection counted = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                            statements.incrementAndGet();
                        }
                        return method.invoke(c, args);
                    });
            identity.conversationOpened(counted, after, first, contactId, newContact, desks, now);
            perConversation.add(statements.get());
        });
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private void write(String instance, String id, String thread, String name, Address from, String text)
            throws Exception {
        Message m = Message.builder().channel(new ChannelRef("test", instance)).channelMessageId(id).threadKey(thread)
                .author(Author.customer(name, from)).text(text).build();
        journal.submit(writer.work(instance, Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void identityRunsOncePerConversationWithinABoundAndNotForTheMessagesThatFollow() throws Exception {
        // Many other customers, with the same name and domain as the last one, must not change the figures.
        for (int i = 0; i < 200; i++) {
            write("mail", "old-" + i, "old-" + i, "Someone " + i, Address.email("c" + i + "@example.com"), "hi");
        }
        perConversation.clear();

        write("mail", "m-1", "t-1", "Ana Lima", Address.email("ana@example.com"), "Call me on 030 1234567");
        for (int i = 0; i < 50; i++) {
            write("mail", "m-1-" + i, "t-1", "Ana Lima", Address.email("ana@example.com"), "and again " + i);
        }
        assertThat(perConversation).as("once, for the first message only").hasSize(1);
        assertThat(perConversation.get(0)).as("a new contact's first conversation").isLessThanOrEqualTo(BOUND);

        write("chat", "c-1", "chat-1", "Ana", Address.email("ana@example.com"), "Hello");
        assertThat(perConversation).hasSize(2);
        assertThat(perConversation.get(1)).as("a known contact on another channel, with its history note")
                .isLessThanOrEqualTo(BOUND);
        assertThat(notes.get()).isOne();
        List<Integer> all = new ArrayList<>(perConversation);
        assertThat(all).allMatch(n -> n > 0);
    }
}
