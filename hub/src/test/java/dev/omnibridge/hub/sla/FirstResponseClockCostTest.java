package dev.omnibridge.hub.sla;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.FirstResponseMetrics;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the timers cost the store's write path per message (issue 18: 100,000 open conversations with timers add
 * no per-message cost that grows with their number), counted in statements on the writer's connection, and that
 * the scheduler's query reads the due rows through the index on their due time.
 */
class FirstResponseClockCostTest {
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    @TempDir
    Path dir;
    private Database db;
    private Connection connection;
    private final AtomicInteger statements = new AtomicInteger();
    private Connection counted;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private FirstResponseClock clock;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 2);
        connection = db.connection();
        connection.setAutoCommit(false);
        counted = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                        statements.incrementAndGet();
                    }
                    return method.invoke(connection, args);
                });
        clock = new FirstResponseClock(FirstResponseConfig.standard(), WorkingHours.Lookup.NONE,
                new FirstResponseMetrics(new SimpleMeterRegistry()), true);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
        db.close();
    }

    /** Statements the hook ran for the message; then the transaction commits and its after-commit work runs. */
    private int customerMessage(String conversation) throws Exception {
        return stored(conversation, Direction.INBOUND, Author.customer("Ann", Address.email("ann@example.com")));
    }

    private int stored(String conversation, Direction direction, Author author) throws Exception {
        statements.set(0);
        Message m = Message.builder().id("m-" + System.nanoTime()).direction(direction)
                .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("c-" + System.nanoTime())
                .threadKey("t").conversationId(conversation).author(author).priority(Priority.NORMAL).text("?")
                .build();
        if (direction == Direction.INBOUND) {
            clock.customerMessageStored(counted, m, NOW, afterCommit::add);
        } else {
            clock.outboundMessageStored(counted, m, NOW, afterCommit::add);
        }
        connection.commit();
        afterCommit.forEach(Runnable::run);
        afterCommit.clear();
        return statements.get();
    }

    @Test
    void aMessageOfAConversationWhoseClockRunsCostsNoStatement() throws Exception {
        assertThat(customerMessage("conv-1")).as("first message: read the timer, insert it").isEqualTo(2);
        for (int i = 0; i < 100; i++) {
            assertThat(customerMessage("conv-1")).as("follow-up %d", i).isZero();
        }
        for (int i = 0; i < 1000; i++) {
            customerMessage("other-" + i);
        }
        assertThat(customerMessage("conv-1")).as("however many other clocks run").isZero();

        assertThat(stored("conv-1", Direction.OUTBOUND, Author.agent("Alice")))
                .as("the answer: read, stop, one timeline entry").isEqualTo(3);
        assertThat(customerMessage("conv-1")).as("a new question: read, restart").isEqualTo(2);
        assertThat(customerMessage("conv-1")).isZero();
    }

    @Test
    void theSchedulersQueryReadsTheDueRowsThroughTheIndexOnTheirDueTime() throws Exception {
        try (PreparedStatement ps = connection.prepareStatement("EXPLAIN SELECT conversation_id FROM "
                + "first_response_timers WHERE next_due_at <= ? ORDER BY next_due_at FETCH FIRST 100 ROWS ONLY")) {
            ps.setObject(1, NOW.atOffset(java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).containsIgnoringCase("IX_FIRST_RESPONSE_DUE");
            }
        }
    }
}
