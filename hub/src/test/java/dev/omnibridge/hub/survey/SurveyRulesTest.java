package dev.omnibridge.hub.survey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.store.SurveyTables;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.model.Satisfaction;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The survey rules on a real H2 store with the real writer and sender: once per conversation, the answer kept from
 * the desks and written to them as notes, a non-rating passed on, and the checks made right before sending.
 */
public class SurveyRulesTest {
    /** Wednesday 10:00 UTC. */
    private static final Instant START = Instant.parse("2026-03-04T10:00:00Z");
    private static final String SURVEYS = """
            csat: {enabled: true, delay: 1m, commentWindow: 1h, expireAfter: 1d}
            channels:
              wa: {csat: {calendar: office}}
            """;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BusinessCalendar office = BusinessCalendar.parse("office", "UTC", "Mon-Fri 09:00-17:00",
            List.of(), List.of());
    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private DeliveryStore deliveries;
    private SurveySender sender;

    /** The store the rules run on: embedded H2 here (a subclass may run the same SQL on PostgreSQL). */
    protected Database openDatabase(Path dir) throws Exception {
        return Database.open(new HubConfig.Store(null, null, null), dir, 4);
    }

    private void open(String surveys) throws Exception {
        db = openDatabase(dir);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        writer = new InboundWriter(channel -> List.of("desk"), scheduled::add, clock, recent);
        List<ConfigProblem> problems = new ArrayList<>();
        SurveyConfig config = SurveySection.read(new ObjectMapper(new YAMLFactory()).readTree(surveys),
                List.of(new HubConfig.Instance("sms", "twilio-sms", true, Map.of()),
                        new HubConfig.Instance("wa", "whatsapp", true, Map.of())),
                new CalendarRegistry(Map.of("office", office)), problems);
        assertThat(problems).isEmpty();
        CalendarLookup calendars = name -> "office".equals(name) ? Optional.of(office) : Optional.empty();
        SurveyChannels channels = new SurveyChannels() {
            @Override
            public boolean isChannel(String id) {
                return id.equals("sms") || id.equals("wa");
            }

            @Override
            public Optional<Duration> replyWindow(String id) {
                return id.equals("wa") ? Optional.of(Duration.ofHours(24)) : Optional.empty();
            }
        };
        Set<String> waiting = ConcurrentHashMap.newKeySet();
        SurveyMetrics metrics = new SurveyMetrics(meters);
        writer.converse(new SurveyStep(config, writer.outbox(), calendars, metrics, waiting));
        sender = new SurveySender(config, writer.outbox(), channels, calendars, metrics, clock, journal, waiting);
    }

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
            db.close();
        }
    }

    private static Message customer(String instance, String id, String from, String text) {
        return Message.builder().channel(new ChannelRef(instance.equals("sms") ? "twilio-sms" : "whatsapp", instance))
                .channelMessageId(id).threadKey(from).author(Author.customer("Ann", Address.phone(from))).text(text)
                .build();
    }

    private void ingest(String instance, Inbound inbound) throws Exception {
        journal.submit(writer.work(instance, inbound)).get(10, TimeUnit.SECONDS);
    }

    private void ingest(Message m) throws Exception {
        ingest(m.channel().instanceId(), Inbound.messages(List.of(m)));
    }

    private void setClock(Instant at) {
        clock.advance(Duration.between(clock.instant(), at));
    }

    private void poll() throws Exception {
        journal.submit(sender.poll()).get(10, TimeUnit.SECONDS);
    }

    /** A conversation with a ticket on the desk (an agent answered), then resolved there. */
    private String resolvedConversation(String instance, String from) throws Exception {
        ingest(customer(instance, "m-" + from, from, "Where is my parcel?"));
        String conversation = new JournalQueries(db).conversationByThread(instance, from).orElseThrow().id();
        ingest("desk", Inbound.replies(List.of(new DeskReply("T-" + instance + from, "r-" + instance + from,
                Author.agent("Alice"), "It left today", null, null, null,
                Map.of(DeskReply.CONVERSATION_ID, conversation)))));
        resolve(instance, from);
        return conversation;
    }

    private void resolve(String instance, String from) throws Exception {
        ingest("desk", Inbound.none().withTicketUpdates(List.of(new TicketUpdate("T-" + instance + from,
                ConversationStatus.RESOLVED))));
    }

    private List<Message> sent(DeliveryTask.TargetKind kind, String conversation) throws Exception {
        List<Message> out = new ArrayList<>();
        for (DeliveryTask t : scheduled) {
            if (t.kind() == kind && conversation.equals(t.conversationId())) {
                out.add(deliveries.context(t).message());
            }
        }
        return out;
    }

    private List<Message> surveys(String conversation) throws Exception {
        return sent(DeliveryTask.TargetKind.CHANNEL, conversation).stream()
                .filter(m -> m.tags().contains(Satisfaction.SURVEY_TAG)).toList();
    }

    private SurveyTables.Survey row(String conversation) throws Exception {
        try (Connection c = db.connection()) {
            return SurveyTables.find(c, conversation).orElseThrow();
        }
    }

    private String skipReason(String conversation) throws Exception {
        try (Connection c = db.connection(); var ps = c.prepareStatement(
                "SELECT skip_reason FROM surveys WHERE conversation_id = ?")) {
            ps.setString(1, conversation);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void oneSurveyAfterTheDelayTheRatingKeptFromTheDesksAndWrittenToThemAsNotes() throws Exception {
        open(SURVEYS);
        String conversation = resolvedConversation("sms", "+15550001");
        resolve("sms", "+15550001");
        poll();
        assertThat(surveys(conversation)).as("not before the delay").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        poll();
        resolve("sms", "+15550001");
        clock.advance(Duration.ofMinutes(5));
        poll();
        Message survey = surveys(conversation).get(0);
        assertThat(surveys(conversation)).hasSize(1);
        assertThat(survey.author().role()).isEqualTo(Role.BOT);
        assertThat(survey.author().displayName()).isEqualTo("Omnibridge");
        assertThat(survey.text()).startsWith("How satisfied are you");
        assertThat(Choices.of(survey)).extracting(c -> c.id()).containsExactly("csat-1", "csat-2", "csat-3",
                "csat-4", "csat-5");

        ingest(customer("sms", "a-1", "+15550001", "Is the tracking link in the mail?"));
        ingest(customer("sms", "a-2", "+15550001", "4 of 5"));
        List<Message> atDesk = sent(DeliveryTask.TargetKind.DESK, conversation);
        assertThat(atDesk).filteredOn(m -> m.direction() == Direction.INBOUND).extracting(Message::text)
                .containsExactly("Where is my parcel?", "Is the tracking link in the mail?");
        Message note = atDesk.stream().filter(m -> m.direction() == Direction.INTERNAL).findFirst().orElseThrow();
        assertThat(note.text()).startsWith("Customer satisfaction: 4/5 (good)");
        assertThat(note.tags()).contains("survey", "csat", "csat-4");
        assertThat(note.metadata()).containsEntry(Satisfaction.RATING, "4").containsEntry(Satisfaction.KIND, "csat");
        assertThat(sent(DeliveryTask.TargetKind.CHANNEL, conversation)).extracting(Message::text)
                .anyMatch(t -> t.startsWith("Thank you for your rating!"));

        ingest(customer("sms", "a-3", "+15550001", "Friendly and fast"));
        assertThat(sent(DeliveryTask.TargetKind.DESK, conversation)).filteredOn(m -> m.direction()
                == Direction.INTERNAL).extracting(m -> m.metadata().get(Satisfaction.COMMENT))
                .containsExactly(null, "Friendly and fast");
        SurveyTables.Survey done = row(conversation);
        assertThat(done.state()).isEqualTo(SurveyTables.State.DONE);
        assertThat(done.rating()).isEqualTo(4);
        assertThat(meters.get("omnibridge.survey.ratings").tag("rating", "4").counter().count()).isEqualTo(1);

        ingest(customer("sms", "a-4", "+15550001", "5"));
        assertThat(sent(DeliveryTask.TargetKind.DESK, conversation)).filteredOn(m -> m.direction()
                == Direction.INBOUND).extracting(Message::text).endsWith("5");
    }

    @Test
    void anOptedOutAddressGetsNoSurveyAndTheRowSaysWhy() throws Exception {
        open(SURVEYS);
        String conversation = resolvedConversation("sms", "+15550002");
        ingest("sms", Inbound.none().withAddressStatuses(List.of(AddressStatus.optedOut(
                Address.phone("+15550002"), "STOP"))));
        clock.advance(Duration.ofMinutes(2));
        poll();

        assertThat(surveys(conversation)).isEmpty();
        assertThat(row(conversation).state()).isEqualTo(SurveyTables.State.SKIPPED);
        assertThat(skipReason(conversation)).startsWith("the customer's address takes no messages");
        assertThat(meters.get("omnibridge.survey.skipped").tag("reason", "opted_out").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aClosedReplyWindowSkipsAndAClosedCalendarWaitsForItsOpening() throws Exception {
        open(SURVEYS);
        // Resolved Wednesday 10:00, due 10:01, inside the office's hours; polled only 25 hours later.
        String late = resolvedConversation("wa", "+15550003");
        clock.advance(Duration.ofHours(25));
        poll();
        assertThat(surveys(late)).isEmpty();
        assertThat(skipReason(late)).contains("reply window");

        // Resolved Thursday 16:59:30: due 17:00:30, when the office has closed; sent at Friday's opening.
        setClock(Instant.parse("2026-03-05T16:59:30Z"));
        String evening = resolvedConversation("wa", "+15550004");
        setClock(Instant.parse("2026-03-05T17:30:00Z"));
        poll();
        assertThat(surveys(evening)).isEmpty();
        assertThat(row(evening).dueAt()).isEqualTo(Instant.parse("2026-03-06T09:00:00Z"));
        setClock(Instant.parse("2026-03-06T09:00:00Z"));
        poll();
        assertThat(surveys(evening)).hasSize(1);
    }

    @Test
    void theCustomerWritingAgainBeforeItIsDueCancelsTheSurvey() throws Exception {
        open(SURVEYS);
        String conversation = resolvedConversation("sms", "+15550005");
        ingest(customer("sms", "b-1", "+15550005", "Actually, one more question"));
        clock.advance(Duration.ofMinutes(5));
        poll();

        assertThat(surveys(conversation)).isEmpty();
        try (Connection c = db.connection()) {
            assertThat(SurveyTables.find(c, conversation)).isEmpty();
        }
    }

    @Test
    void npsIsAskedOncePerContactPerPeriodAndCsatOtherwise() throws Exception {
        open(SURVEYS.replaceFirst("csat:", "nps: {enabled: true, every: 90d}\ncsat:"));
        String first = resolvedConversation("sms", "+15550006");
        clock.advance(Duration.ofMinutes(1));
        poll();
        Message nps = surveys(first).get(0);
        assertThat(nps.text()).startsWith("How likely are you to recommend us");
        assertThat(Choices.of(nps)).as("0-10 is typed, never numbered options").isEmpty();
        ingest(customer("sms", "n-1", "+15550006", "9/10"));
        Message note = sent(DeliveryTask.TargetKind.DESK, first).stream()
                .filter(m -> m.direction() == Direction.INTERNAL).findFirst().orElseThrow();
        assertThat(note.tags()).contains("survey", "nps", "nps-9");
        assertThat(note.text()).startsWith("Customer recommendation score (NPS): 9/10 (promoter)");

        // The same customer (same number) on another channel, a day later: CSAT, NPS is not due again.
        clock.advance(Duration.ofDays(1));
        String second = resolvedConversation("wa", "+15550006");
        clock.advance(Duration.ofMinutes(1));
        poll();
        assertThat(surveys(second)).singleElement().satisfies(m -> assertThat(m.text())
                .startsWith("How satisfied are you"));
    }
}
