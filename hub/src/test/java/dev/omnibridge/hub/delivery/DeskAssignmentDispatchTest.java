package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.sla.FirstResponseHook;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.store.TriageStep;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.triage.Classified;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assignment of the route that holds a conversation (a Zendesk group, say) reaches the desk with every delivery
 * of the conversation, through the real writer, store and dispatcher.
 */
class DeskAssignmentDispatchTest {
    private static final Map<String, String> GROUP = Map.of("group", "360000001");

    /** Texts starting "Hallo" go to desk-de with the group (a route with conditions: sticky), others to desk-en. */
    private static final TriageStep ROUTES = new TriageStep() {
        @Override
        public Message detectLanguage(Message m) {
            return m.text().startsWith("Hallo") ? m.toBuilder().language("de").build() : m;
        }

        @Override
        public boolean needsUnanswered() {
            return false;
        }

        @Override
        public Classified classify(Message m, int unanswered) {
            return new Classified(m, List.of());
        }

        @Override
        public RouteDecision route(Message m) {
            return "de".equals(m.language())
                    ? new RouteDecision(List.of(new DeskTarget("desk-de", GROUP)), List.of("german"), false, true)
                    : new RouteDecision(List.of(DeskTarget.of("desk-en")), List.of("everything-else"), false, true);
        }

        @Override
        public List<String> plainDesks(String channelInstance) {
            return List.of();
        }

        @Override
        public boolean deskExists(String desk) {
            return true;
        }
    };

    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private Dispatcher dispatcher;

    @AfterEach
    void close() {
        dispatcher.close();
        journal.close();
        db.close();
    }

    private static Message message(String thread, String text) {
        return Message.builder().channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId(thread + "/" + text).threadKey(thread)
                .author(Author.customer("Ann", Address.email(thread + "@example.com"))).text(text).build();
    }

    @Test
    void everyDeliveryOfAConversationCarriesTheAssignmentOfTheRouteThatHoldsIt() throws Exception {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 8);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        DeliveryStore store = new DeliveryStore(db, recent);
        DispatcherTest.FakeTargets targets = new DispatcherTest.FakeTargets();
        Dispatcher[] ref = new Dispatcher[1];
        InboundWriter writer = new InboundWriter(ROUTES, t -> ref[0].enqueue(t), Clock.systemUTC(), recent,
                InboundWriter.Mode.SINGLE_NODE, FirstResponseHook.NONE);
        dispatcher = new Dispatcher(store, journal, targets, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 10, 8, Clock.systemUTC(),
                HubConfig.Delivery.DEFAULT_WINDOW);
        ref[0] = dispatcher;

        for (Message m : List.of(message("de1", "Hallo, mein Drucker"), message("de1", "Is there any news?"),
                message("de1", "Still waiting"), message("en1", "Hello, my printer"))) {
            journal.submit(writer.work("web", Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
        }
        Poll.until("4 deliveries", () -> targets.deskDelivered.size() == 4,
                () -> targets.deskDelivered.size() + " delivered");

        List<DeskDelivery> german = targets.deskDelivered.stream()
                .filter(d -> d.conversation().threadKey().equals("de1")).toList();
        assertThat(german).extracting(d -> d.message().text())
                .containsExactly("Hallo, mein Drucker", "Is there any news?", "Still waiting");
        assertThat(german).allSatisfy(d -> assertThat(d.assignment()).isEqualTo(GROUP));
        assertThat(targets.deskInstances).containsOnly("desk-de", "desk-en");
        assertThat(targets.deskDelivered).filteredOn(d -> d.conversation().threadKey().equals("en1"))
                .singleElement().satisfies(d -> assertThat(d.assignment()).isEmpty());
    }
}
