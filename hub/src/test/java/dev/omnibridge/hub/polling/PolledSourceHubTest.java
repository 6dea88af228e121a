package dev.omnibridge.hub.polling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollRequest;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connector's polled source run by a real hub ({@code ConnectorContext.poll}): what it finds is stored with its
 * offset, the next poll asks from the stored offset, {@code /health} shows how it polls, and stopping the instance
 * stops its source (the restarted instance registers it again).
 */
class PolledSourceHubTest {
    @TempDir
    Path dir;

    /** Fails once, then finds one message with cursor 1, then nothing; keeps every request. */
    private static final class Source implements PolledSource {
        final List<PollRequest> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger polls = new AtomicInteger();

        @Override
        public PollResult poll(PollRequest request) throws PollException {
            requests.add(request);
            int n = polls.incrementAndGet();
            if (n == 1) {
                throw PollException.retryable("the vendor answered HTTP 502");
            }
            if (n == 2) {
                Message m = Message.builder().direction(Direction.INBOUND).channel(new ChannelRef("poll-channel",
                        "chan")).channelMessageId("m-1").threadKey("t-1")
                        .author(Author.customer("Ann", Address.chatUser("1"))).text("hello").receivedAt(Instant.now())
                        .build();
                return PollResult.builder().inbound(Inbound.messages(List.of(m))).offset("cursor", "1").build();
            }
            return PollResult.nothing();
        }
    }

    private static final class PollingChannel implements ChannelConnector {
        private final Source source;

        PollingChannel(Source source) {
            this.source = source;
        }

        @Override
        public void start(ConnectorContext context) {
            context.poll("items", source, PollSchedule.builder().interval(Duration.ofMillis(20))
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(40)).offsetKeys("cursor").build());
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent";
        }
    }

    @Test
    void theHubStoresWhatASourceFindsWithItsOffsetShowsItInHealthAndStopsItWithTheInstance() throws Exception {
        Source source = new Source();
        StandInConnectors stand = new StandInConnectors("polled");
        TestType channel = new TestType("poll-channel", "polls a source", () -> new PollingChannel(source));
        LocalHub local = new LocalHub("polled-admin-token");
        try (Hub hub = local.start(dir, LocalHub.QUICK_DELIVERY, List.of(LocalHub.instance("chan", "poll-channel"),
                LocalHub.instance("desk", "polled-desk")), List.of(new HubConfig.Route("chan", List.of("desk"))),
                channel, stand.desk())) {
            Poll.until("a poll asked from the stored offset",
                    () -> source.requests.stream().anyMatch(r -> r.offset("cursor").isPresent()),
                    () -> source.polls.get() + " polls");
            assertThat(source.requests.get(0).offset("cursor")).isEmpty();
            JsonNode polling = json(local.send(local.get("/health"))).path("instances").path("chan").path("polling");
            assertThat(polling).hasSize(1);
            JsonNode items = polling.get(0);
            assertThat(items.path("name").asText()).isEqualTo("items");
            assertThat(items.path("failures").asLong()).isEqualTo(1);
            assertThat(items.path("consecutiveFailures").asInt()).isZero();
            assertThat(items.path("lastFailure").asText()).isEqualTo("the vendor answered HTTP 502");
            assertThat(items.path("lastSuccessAt").isTextual()).isTrue();
            JsonNode conversations = json(local.send(local.withToken(local.get("/api/conversations"))))
                    .path("conversations");
            assertThat(conversations).as("the polled message was stored").hasSize(1);

            int before = source.polls.get();
            assertThat(local.send(local.withToken(local.postJson("/api/instances/chan/restart", "{}")))
                    .statusCode()).isEqualTo(200);
            // Restarted: the stopped source is gone, so the new start could register its name again.
            JsonNode chan = json(local.send(local.get("/health"))).path("instances").path("chan");
            assertThat(chan.path("state").asText()).isEqualTo("RUNNING");
            assertThat(chan.path("polling")).hasSize(1);
            assertThat(chan.path("polling").get(0).path("failures").asLong()).as("a new source's count").isZero();
            Poll.until("the restarted instance polls", () -> source.polls.get() > before + 1, () -> "no poll");
        }
    }
}
