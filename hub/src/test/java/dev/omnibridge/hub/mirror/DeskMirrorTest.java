package dev.omnibridge.hub.mirror;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.triage.DeskTarget;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mirror's rules on a real H2 store with the real writer: channel {@code web} feeds a console inbox
 * ({@code inbox}) and two desks ({@code desk}, {@code crm}). What each desk is sent is read back as the dispatcher
 * would hand it to the desk.
 */
class DeskMirrorTest {
    private final List<String> desks = new CopyOnWriteArrayList<>(List.of("inbox", "desk", "crm"));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private Database db;
    private Journal journal;
    private DeliveryStore deliveries;
    private InboundWriter writer;
    private String conversation;

    private void open(HubConfig.Route route) throws Exception {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        writer = new InboundWriter(channel -> List.copyOf(desks), scheduled::add, clock, recent);
        writer.converse(new DeskMirror(new MirrorRules(List.of(route)), writer.outbox(), d -> !d.equals("inbox")));
        // A conversation on every desk, each with its ticket (the console inbox's is the conversation itself).
        ingest("web", Inbound.messages(List.of(Message.builder().channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId("m-1").threadKey("t-1").author(Author.customer("Ann", Address.phone("+15550001")))
                .text("Where is my parcel?").build())));
        conversation = new JournalQueries(db).conversationByThread("web", "t-1").orElseThrow().id();
        for (DeliveryTask t : drain()) {
            String ticket = t.target().equals("inbox") ? "inbox-" + conversation : ticketOf(t.target());
            journal.submit(deliveries.done(t, "item-" + t.target(), ticket, clock.instant())).get(10, TimeUnit.SECONDS);
        }
    }

    private static String ticketOf(String desk) {
        return desk.equals("desk") ? "T-1" : "C-1";
    }

    private HubConfig.Route route(MirrorSetting mirror) {
        return new HubConfig.Route(null, List.of("web"), null, desks.stream().map(DeskTarget::of).toList(), true,
                false, mirror);
    }

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
            db.close();
        }
    }

    private void ingest(String instance, Inbound inbound) throws Exception {
        journal.submit(writer.work(instance, inbound)).get(10, TimeUnit.SECONDS);
    }

    /** The tasks scheduled since the last call. */
    private List<DeliveryTask> drain() {
        List<DeliveryTask> out = new ArrayList<>(scheduled);
        scheduled.clear();
        return out;
    }

    private void reply(String desk, String ticket, String replyId, String agent, String text) throws Exception {
        ingest(desk, Inbound.replies(List.of(new DeskReply(ticket, replyId, Author.agent(agent), text, null, null,
                null, Map.of(DeskReply.CONVERSATION_ID, conversation)))));
    }

    private void status(String desk, String ticket, ConversationStatus status) throws Exception {
        ingest(desk, Inbound.none().withTicketUpdates(List.of(new TicketUpdate(ticket, status))));
    }

    /** Each desk task as the desk gets its message: target -> message. */
    private List<Map.Entry<String, Message>> toDesks(List<DeliveryTask> tasks) throws Exception {
        List<Map.Entry<String, Message>> out = new ArrayList<>();
        for (DeliveryTask t : tasks) {
            if (t.kind() == DeliveryTask.TargetKind.DESK) {
                out.add(Map.entry(t.target(), deliveries.context(t).message()));
            }
        }
        return out;
    }

    @Test
    void aReplyGivenAtADeskReachesTheOtherDeskAsANoteNamingItsOriginOnceAndNeverItsOwnDesk() throws Exception {
        open(route(null));

        reply("desk", "T-1", "r-1", "Alice", "It left today");
        List<DeliveryTask> tasks = drain();

        assertThat(tasks).extracting(DeliveryTask::target, DeliveryTask::kind).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web", DeliveryTask.TargetKind.CHANNEL),
                org.assertj.core.groups.Tuple.tuple("crm", DeliveryTask.TargetKind.DESK));
        Message note = toDesks(tasks).get(0).getValue();
        assertThat(note.direction()).isEqualTo(Direction.INTERNAL);
        assertThat(note.text()).isEqualTo("Reply sent to the customer by Alice at desk, ticket T-1:\n\nIt left today");
        assertThat(note.metadata()).containsEntry(MirrorNotes.FROM_DESK, "desk")
                .containsEntry(MirrorNotes.FROM_TICKET, "T-1").containsEntry(MirrorNotes.FROM_REPLY, "r-1")
                .doesNotContainKeys("desk.instance", "desk.ticketRef", "desk.replyId");
        assertThat(note.tags()).contains(MirrorNotes.TAG);
        DeliveryTask toCrm = tasks.stream().filter(t -> t.target().equals("crm")).findFirst().orElseThrow();
        assertThat(toCrm.idempotencyKey()).isEqualTo("omnibridge-" + toCrm.messageId() + "-crm");

        // The same reply handed in again (a desk's retry) is neither stored nor mirrored again.
        reply("desk", "T-1", "r-1", "Alice", "It left today");
        assertThat(drain()).isEmpty();
    }

    @Test
    void aDeskAddedToTheRouteAfterTheConversationBeganGetsNoCopyOfItsOwn() throws Exception {
        open(route(null));
        desks.add("late");
        reply("desk", "T-1", "r-late", "Alice", "It left today");
        assertThat(toDesks(drain())).as("no note opens a ticket at the late desk (a backfill sends it the history)")
                .extracting(Map.Entry::getKey).containsExactly("crm");
    }

    @Test
    void anAnswerGivenInTheConsoleInboxReachesBothDesksAndTheirNotesAreNotMirroredBack() throws Exception {
        open(route(null));

        reply("inbox", "inbox-" + conversation, "console-1", "Bob", "We are on it");
        List<DeliveryTask> tasks = drain();

        assertThat(toDesks(tasks)).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("desk", "crm");
        assertThat(toDesks(tasks)).extracting(e -> e.getValue().text()).containsOnly(
                "Reply sent to the customer by Bob in the console inbox (inbox):\n\nWe are on it");

        // The desk reports the note the hub added (its own comment) as if it were a reply: skipped, no echo.
        DeliveryTask toDesk = tasks.stream().filter(t -> t.target().equals("desk")).findFirst().orElseThrow();
        journal.submit(deliveries.done(toDesk, "note-on-desk", null, clock.instant())).get(10, TimeUnit.SECONDS);
        reply("desk", "T-1", "note-on-desk", "Omnibridge API", "Reply sent to the customer by Bob ...");
        assertThat(drain()).as("nothing goes anywhere for the desk's copy of the note").isEmpty();
    }

    @Test
    void aStatusChangeAtOneDeskIsToldToTheOtherDeskOnceAndNotToItsOwn() throws Exception {
        open(route(null));

        status("desk", "T-1", ConversationStatus.RESOLVED);
        List<Map.Entry<String, Message>> notes = toDesks(drain());
        assertThat(notes).extracting(Map.Entry::getKey).containsExactly("crm");
        assertThat(notes.get(0).getValue().text()).isEqualTo("Conversation resolved at desk, ticket T-1.");
        assertThat(notes.get(0).getValue().metadata()).containsEntry(MirrorNotes.STATUS, "RESOLVED");

        // Reported again, or by the other desk once it followed: the status did not change, nothing is told.
        status("desk", "T-1", ConversationStatus.RESOLVED);
        status("crm", "C-1", ConversationStatus.RESOLVED);
        assertThat(drain()).isEmpty();

        status("crm", "C-1", ConversationStatus.OPEN);
        notes = toDesks(drain());
        assertThat(notes).extracting(Map.Entry::getKey).containsExactly("desk");
        assertThat(notes.get(0).getValue().text()).isEqualTo("Conversation reopened at crm, ticket C-1.");

        // Resolved in the console inbox: both desks hear of it.
        status("inbox", "inbox-" + conversation, ConversationStatus.RESOLVED);
        assertThat(toDesks(drain())).extracting(e -> e.getKey() + ": " + e.getValue().text()).containsExactlyInAnyOrder(
                "desk: Conversation resolved in the console inbox (inbox).",
                "crm: Conversation resolved in the console inbox (inbox).");
    }

    @Test
    void aRouteMirrorsOnlyWhatItsSettingNames() throws Exception {
        open(route(new MirrorSetting(true, false)));
        status("desk", "T-1", ConversationStatus.RESOLVED);
        assertThat(drain()).as("replies only: no status note").isEmpty();
        reply("desk", "T-1", "r-2", "Alice", "Reopening with an answer");
        assertThat(toDesks(drain())).extracting(Map.Entry::getKey).containsExactly("crm");
    }

    @Test
    void noneTurnsTheMirrorOff() throws Exception {
        open(route(MirrorSetting.NONE));
        reply("desk", "T-1", "r-3", "Alice", "Answer");
        status("desk", "T-1", ConversationStatus.RESOLVED);
        assertThat(drain()).extracting(DeliveryTask::kind).containsExactly(DeliveryTask.TargetKind.CHANNEL);
    }
}
