package dev.omnibridge.hub.sla;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.FirstResponseMetrics;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The hub's real store, journal and writer with the timers wired in as the hub wires them, on a clock the test
 * moves; {@link #restart()} closes everything and opens it again on the same store, as a hub restart does. Channel
 * {@code web} feeds desk {@code desk}.
 */
final class TimerStore implements AutoCloseable {
    static final String CHANNEL = "web";
    static final String DESK = "desk";

    final TestClock clock;
    private final Path dir;
    private final FirstResponseConfig config;
    private final WorkingHours.Lookup calendars;
    private final HubConfig.Store store;
    final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry registry;
    Database db;
    Journal journal;
    InboundWriter writer;
    FirstResponseAlarms alarms;
    FirstResponseClock timers;
    FirstResponseMetrics metrics;
    FirstResponseViews views;
    DeliveryStore deliveries;

    TimerStore(Path dir, Instant start, FirstResponseConfig config, WorkingHours.Lookup calendars) {
        this(dir, start, config, calendars, new HubConfig.Store(null, null, null));
    }

    TimerStore(Path dir, Instant start, FirstResponseConfig config, WorkingHours.Lookup calendars,
               HubConfig.Store store) {
        this.dir = dir;
        this.clock = new TestClock(start);
        this.config = config;
        this.calendars = calendars;
        this.store = store;
        open();
    }

    private void open() {
        registry = new SimpleMeterRegistry();
        db = Database.open(store, dir, 4);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent, journal);
        metrics = new FirstResponseMetrics(registry);
        timers = new FirstResponseClock(config, calendars, metrics, true);
        writer = new InboundWriter(ch -> ch.equals(CHANNEL) ? List.of(DESK) : List.of(), scheduled::add, clock,
                recent, InboundWriter.Mode.SINGLE_NODE, timers);
        alarms = new FirstResponseAlarms(timers, writer::storeInternalNote, metrics, clock, journal);
        views = new FirstResponseViews(db);
    }

    /** Closes the store and opens it again: what the timers know after a hub restart. */
    void restart() {
        close();
        scheduled.clear();
        open();
    }

    @Override
    public void close() {
        journal.close();
        db.close();
    }

    // ---- what happens in the conversation ----

    /** A customer message on {@code thread}; returns its conversation id. */
    String customerWrites(String thread, String channelMessageId, Priority priority) throws Exception {
        Message m = Message.builder().channel(new ChannelRef("webhook-channel", CHANNEL))
                .channelMessageId(channelMessageId).threadKey(thread).priority(priority)
                .author(Author.customer("Ann", Address.email("ann@example.com"))).text("Where is my order?").build();
        IngestReport report = submit(writer.work(CHANNEL, Inbound.messages(List.of(m))));
        if (report.storedMessageIds().size() != 1) {
            throw new AssertionError("the message was not stored: " + report);
        }
        return new JournalQueries(db).message(report.storedMessageIds().get(0)).orElseThrow().message()
                .conversationId();
    }

    /** The desk opens ticket {@code T-<conversation id>} for the conversation (answers its first delivery). */
    void deskOpensTicket(String conversationId) throws Exception {
        DeliveryTask first = scheduled.stream().filter(t -> t.conversationId().equals(conversationId)
                && t.target().equals(DESK)).findFirst().orElseThrow();
        submit(deliveries.done(first, "item-" + first.id(), "T-" + conversationId, clock.instant()));
    }

    /** Someone on the desk writes on the ticket; the hub stores it as a reply to the customer. */
    void deskReplies(String conversationId, String replyId, Author author) throws Exception {
        DeskReply reply = new DeskReply("T-" + conversationId, replyId, author, "We are on it.", null, null,
                clock.instant(), Map.of(DeskReply.CONVERSATION_ID, conversationId));
        IngestReport report = submit(writer.work(DESK, Inbound.replies(List.of(reply))));
        if (report.storedMessageIds().size() != 1) {
            throw new AssertionError("the reply was not stored: " + report);
        }
    }

    void deskResolves(String conversationId) throws Exception {
        submit(writer.work(DESK, new Inbound(List.of(), List.of(),
                List.of(new TicketUpdate("T-" + conversationId, ConversationStatus.RESOLVED)), Map.of())));
    }

    /** Moves the clock to {@code at} and runs one poll of the timers, as the journal does every second. */
    int pollAt(Instant at) throws Exception {
        clock.set(at);
        return submit(alarms.poll());
    }

    <T> T submit(dev.omnibridge.hub.store.TxWork<T> work) throws Exception {
        return journal.submit(work).get(10, TimeUnit.SECONDS);
    }

    // ---- what the store holds ----

    FirstResponseViews.TimerView timer(String conversationId) throws SQLException {
        return views.conversation(conversationId).orElseThrow(() -> new AssertionError("no timer"));
    }

    /** The hub's internal notes in the conversation, oldest first. */
    List<Message> notes(String conversationId) throws SQLException {
        return new JournalQueries(db).messages(conversationId, 1000).stream().map(JournalQueries.MessageView::message)
                .filter(m -> m.direction() == dev.omnibridge.model.Direction.INTERNAL).toList();
    }

    /** Outbox rows (pending deliveries) of a message. */
    long pendingDeliveries(String messageId) throws SQLException {
        return count("SELECT COUNT(*) FROM outbox WHERE message_id = ?", messageId);
    }

    long count(String sql, Object... params) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = Jdbc.prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    double counter(String name, String priority) {
        Counter c = registry.find(name).tags("instance", CHANNEL, "priority", priority).counter();
        return c == null ? 0 : c.count();
    }

    long answeredCount() {
        var timer = registry.find("omnibridge.first.response").tags("instance", CHANNEL).timer();
        return timer == null ? 0 : timer.count();
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void set(Instant at) {
            now = at;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
