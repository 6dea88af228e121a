package dev.omnibridge.spi;

import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.webhook.WebhookRejectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional base class: "not running" answers in one place, and polled sources stopped before close. */
class ConnectorBaseTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A context that only registers polled sources (recording when they are stopped). */
    private final class PollOnlyContext implements ConnectorContext {
        @Override
        public PollHandle poll(String name, PolledSource source, PollSchedule schedule) {
            events.add("poll " + name);
            return new PollHandle() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public void stop() {
                    events.add("stopped " + name);
                }
            };
        }

        @Override
        public String instanceId() {
            return "base";
        }

        @Override
        public Settings settings() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CamelContext camel() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addComponent(String scheme, Component component) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addRoutes(RoutesBuilder routes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> submit(Inbound inbound) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> offset(String key) {
            return Optional.empty();
        }

        @Override
        public Optional<Message> findMessage(String channelMessageId) {
            return Optional.empty();
        }

        @Override
        public Optional<Conversation> findConversation(String threadKey) {
            return Optional.empty();
        }

        @Override
        public List<Message> recentMessages(String conversationId, int limit) {
            return List.of();
        }

        @Override
        public AttachmentStore attachments() {
            throw new UnsupportedOperationException();
        }

        @Override
        public URI webhookUrl() {
            return URI.create("http://localhost/hooks/base");
        }

        @Override
        public void reportProblem(String message) {
            events.add("problem " + message);
        }
    }

    private final class Sample extends ConnectorBase<String> {
        private final Exception failOpen;

        /** @param failOpen what open throws, or null */
        Sample(Exception failOpen) {
            this.failOpen = failOpen;
        }

        @Override
        protected String open(ConnectorContext context) throws Exception {
            poll(context, "items", request -> PollResult.nothing(), PollSchedule.every(Duration.ofSeconds(1)));
            if (failOpen != null) {
                throw failOpen;
            }
            return "state";
        }

        @Override
        protected void close(String state) {
            events.add("closed " + state);
        }

        String deliver() {
            return running();
        }

        String webhook() {
            return runningForWebhook();
        }
    }

    @Test
    void whileNotRunningDeliveriesAreRetryableAndWebhooksGet503() throws Exception {
        Sample sample = new Sample(null);
        assertThatThrownBy(sample::deliver).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e).hasMessage("instance is not running");
        });
        assertThatThrownBy(sample::webhook).isInstanceOfSatisfying(WebhookRejectedException.class,
                e -> assertThat(e.status()).isEqualTo(503));

        sample.start(new PollOnlyContext());
        assertThat(sample.deliver()).isEqualTo("state");
        assertThat(sample.webhook()).isEqualTo("state");

        sample.stop();
        assertThatThrownBy(sample::deliver).isInstanceOf(DeliveryException.class);
        assertThatThrownBy(sample::webhook).isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void stopStopsThePolledSourcesBeforeClosingAndOnlyOnce() throws Exception {
        Sample sample = new Sample(null);
        sample.start(new PollOnlyContext());
        sample.stop();
        sample.stop();
        assertThat(events).containsExactly("poll items", "stopped items", "closed state");
    }

    @Test
    void aFailedStartStopsTheSourcesItRegisteredAndLeavesTheInstanceNotRunning() {
        Sample sample = new Sample(new IllegalStateException("the vendor refused the credentials"));
        assertThatThrownBy(() -> sample.start(new PollOnlyContext())).hasMessage("the vendor refused the credentials");
        assertThat(events).containsExactly("poll items", "stopped items");
        assertThatThrownBy(sample::deliver).isInstanceOf(DeliveryException.class);
    }

    @Test
    void aCheckedFailureOfOpenReachesTheCallerUnchanged() {
        java.io.IOException unreachable = new java.io.IOException("vendor not reachable");
        Sample sample = new Sample(unreachable);
        assertThatThrownBy(() -> sample.start(new PollOnlyContext())).isSameAs(unreachable);
        assertThat(events).containsExactly("poll items", "stopped items");
    }

    @Test
    void aSecondStartWithoutStopIsRefused() throws Exception {
        Sample sample = new Sample(null);
        sample.start(new PollOnlyContext());
        assertThatThrownBy(() -> sample.start(new PollOnlyContext())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void scheduleBackoffDoublesToItsCapAndARequestRefusesAnUndeclaredKey() {
        PollSchedule schedule = PollSchedule.builder().interval(Duration.ofSeconds(10))
                .backoff(Duration.ofSeconds(3), Duration.ofSeconds(20)).build();
        assertThat(List.of(0, 1, 2, 3, 4).stream().map(schedule::backoffAfter).toList()).containsExactly(
                Duration.ZERO, Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(12),
                Duration.ofSeconds(20));
        assertThat(PollSchedule.every(Duration.ofSeconds(30)).initialBackoff()).isEqualTo(Duration.ofSeconds(30));

        PollRequest request = PollRequest.builder().offset("cursor", "7").offset("at", null).build();
        assertThat(request.offset("cursor")).contains("7");
        assertThat(request.offset("at")).isEmpty();
        assertThatThrownBy(() -> request.offset("other")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offsetKeys");
    }
}
