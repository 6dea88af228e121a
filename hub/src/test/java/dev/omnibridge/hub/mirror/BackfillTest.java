package dev.omnibridge.hub.mirror;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.BackfillTables;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backfill on a real H2 store with the real writer: channel {@code web} fed desk {@code desk}; desk {@code crm} is
 * added to its route and is sent the history, page by page, once, resumed by a new service (a restart).
 */
public class BackfillTest {
    private static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private DeliveryStore deliveries;
    private final List<String> conversations = new ArrayList<>();

    /** The store the backfill runs on: embedded H2 here (a subclass runs the same SQL on PostgreSQL). */
    protected Database openDatabase(Path dir) throws Exception {
        return Database.open(new HubConfig.Store(null, null, null), dir, 4);
    }

    @BeforeEach
    void open() throws Exception {
        db = openDatabase(dir);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        writer = new InboundWriter(channel -> List.of("desk"), scheduled::add, clock, recent);
        // Three conversations an hour apart: the first resolved, the last answered at the desk.
        for (int i = 1; i <= 3; i++) {
            ingest("web", Inbound.messages(List.of(Message.builder().channel(new ChannelRef("webhook-channel", "web"))
                    .channelMessageId("m-" + i).threadKey("t-" + i)
                    .author(Author.customer("Ann", Address.phone("+1555000" + i))).text("Question " + i).build())));
            conversations.add(new JournalQueries(db).conversationByThread("web", "t-" + i).orElseThrow().id());
            clock.advance(Duration.ofHours(1));
        }
        ingest("desk", Inbound.replies(List.of(new DeskReply("T-3", "r-3", Author.agent("Alice"), "Answer 3", null,
                null, null, Map.of(DeskReply.CONVERSATION_ID, conversations.get(2))))));
        ingest("desk", Inbound.replies(List.of(new DeskReply("T-1", "r-1", Author.agent("Alice"), "Answer 1", null,
                null, null, Map.of(DeskReply.CONVERSATION_ID, conversations.get(0))))));
        ingest("desk", Inbound.none().withTicketUpdates(List.of(new TicketUpdate("T-1", ConversationStatus.RESOLVED))));
        scheduled.clear();
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private void ingest(String instance, Inbound inbound) throws Exception {
        journal.submit(writer.work(instance, inbound)).get(10, TimeUnit.SECONDS);
    }

    private Backfills backfills(int pageSize) {
        return new Backfills(db, journal, writer, desk -> desk.equals("crm") ? List.of("web") : List.of(),
                desk -> desk.equals("crm") || desk.equals("desk"), clock, pageSize);
    }

    private boolean step(Backfills b) throws Exception {
        return journal.submit(b.step()).get(10, TimeUnit.SECONDS);
    }

    /** What crm was sent since the last call, as it gets it: conversation index and text. */
    private List<String> sentToCrm() throws Exception {
        List<String> out = new ArrayList<>();
        for (DeliveryTask t : scheduled) {
            assertThat(t.target()).isEqualTo("crm");
            Message m = deliveries.context(t).message();
            out.add((conversations.indexOf(t.conversationId()) + 1) + " " + m.direction() + " " + m.text());
        }
        scheduled.clear();
        return out;
    }

    @Test
    void theOpenConversationsGoToTheNewDeskInOrderOnceAndAResumedBackfillGoesOnWhereItStopped() throws Exception {
        BackfillTables.Backfill started = backfills(1).start("crm", null, null, true, "admin-token");

        assertThat(step(backfills(1))).isTrue();
        assertThat(sentToCrm()).containsExactly("2 INBOUND Question 2");
        // A restart: a new service on the same store finds the backfill RUNNING after conversation 2.
        Backfills resumed = backfills(1);
        assertThat(step(resumed)).isTrue();
        assertThat(sentToCrm()).containsExactly("3 INBOUND Question 3",
                "3 INTERNAL Reply sent to the customer by Alice at desk, ticket T-3:\n\nAnswer 3");
        assertThat(step(resumed)).as("the last, empty page marks it done").isTrue();
        assertThat(step(resumed)).as("nothing is running").isFalse();
        assertThat(sentToCrm()).isEmpty();

        BackfillTables.Backfill done = resumed.find(started.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(BackfillTables.DONE);
        assertThat(done.conversations()).isEqualTo(2);
        assertThat(done.messages()).isEqualTo(3);
        assertThat(done.finishedAt()).isNotNull();

        // Asked again: the desk has them now (their deliveries), so nothing goes twice.
        resumed.start("crm", null, null, true, "admin-token");
        while (step(resumed)) {
            // pages until done
        }
        assertThat(sentToCrm()).isEmpty();
        assertThat(resumed.list(10)).extracting(BackfillTables.Backfill::skipped).containsExactly(2, 0);
    }

    @Test
    void aDateRangeSendsTheConversationsCreatedInItResolvedOnesToo() throws Exception {
        Backfills b = backfills(25);
        b.start("crm", START, START.plus(Duration.ofMinutes(90)), false, "admin-token");
        while (step(b)) {
            // pages until done
        }
        assertThat(sentToCrm()).containsExactly("1 INBOUND Question 1",
                "1 INTERNAL Reply sent to the customer by Alice at desk, ticket T-1:\n\nAnswer 1",
                "2 INBOUND Question 2");
    }

    @Test
    void aRequestThatCannotBeDoneIsRefusedWithItsReason() {
        Backfills b = backfills(25);
        assertThatThrownBy(() -> b.start("nowhere", null, null, true, "a")).hasMessageContaining("not a configured desk");
        assertThatThrownBy(() -> b.start("desk", null, null, true, "a")).hasMessageContaining("no route names desk");
        assertThatThrownBy(() -> b.start("crm", START, START.plusSeconds(1), true, "a"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> b.start("crm", START, START, false, "a")).hasMessageContaining("before");
        assertThatThrownBy(() -> b.start("crm", null, START, false, "a")).hasMessageContaining("required");
    }
}
