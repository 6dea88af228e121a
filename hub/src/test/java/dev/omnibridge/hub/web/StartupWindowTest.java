package dev.omnibridge.hub.web;

import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up window on a real hub: the HTTP port is open while connector instances are still starting, and a
 * vendor that does not retry on 4xx must never get a 404 for an instance that is merely not ready. The instance
 * here is a test connector whose start blocks until the test releases it.
 */
class StartupWindowTest {
    private static final String TOKEN = "startup-window-admin-token";
    /** When set, the slow channel's start waits until the test counts it down. */
    private static final AtomicReference<CountDownLatch> GATE = new AtomicReference<>();
    private static final TestType SLOW = new TestType("slow-start", "starts when the test says so", SlowChannel::new);
    private static final TestType BROKEN = new TestType("broken-start", "never starts", BrokenChannel::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;
    private CompletableFuture<Hub> starting;

    @AfterEach
    void stopHub() throws Exception {
        CountDownLatch gate = GATE.getAndSet(null);
        if (gate != null) {
            gate.countDown();
        }
        if (hub == null && starting != null) {
            hub = starting.get(30, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aHookAnswers503WithRetryAfterUntilItsInstanceIsRunningAndThenStores() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GATE.set(release);
        starting = CompletableFuture.supplyAsync(this::startHub);

        HttpResponse<String> early = firstAnswer("/hooks/slow");
        assertThat(early.statusCode()).as("a hook whose instance is still starting").isEqualTo(503);
        assertThat(early.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Integer.parseInt(v)).isPositive());
        HttpResponse<String> unknownEarly = send(hook("/hooks/nope", "early"));
        assertThat(unknownEarly.statusCode()).as("while the hub starts, no hook is answered 404").isEqualTo(503);
        assertThat(unknownEarly.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> health = send(local.get("/health"));
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(json(health).path("status").asText()).isEqualTo("STARTING");
        assertThat(starting).as("start-up is still blocked in the instance's start").isNotDone();

        release.countDown();
        hub = starting.get(30, TimeUnit.SECONDS);

        HttpResponse<String> ready = send(hook("/hooks/slow", "after-start"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Retry-After")).isEmpty();
        assertThat(storedTexts()).contains("after-start");
        assertThat(send(hook("/hooks/nope", "late")).statusCode()).as("an unknown instance once start-up is over")
                .isEqualTo(404);
        assertThat(json(send(local.get("/health"))).path("status").asText()).as("started, with one instance FAILED").isEqualTo("DOWN");
    }

    @Test
    void aHookAnswers503WithRetryAfterWhileTheConsoleRestartsItsInstance() throws Exception {
        hub = startHub();
        assertThat(send(hook("/hooks/slow", "before")).statusCode()).isEqualTo(200);
        CountDownLatch release = new CountDownLatch(1);
        GATE.set(release);

        CompletableFuture<HttpResponse<String>> restart = CompletableFuture.supplyAsync(() -> {
            return send(local.withToken(local.postText("/api/instances/slow/restart", ""))
                    .timeout(Duration.ofSeconds(30)));
        });
        Poll.until("the instance is starting again", () -> "STARTING".equals(state("slow")));

        HttpResponse<String> during = send(hook("/hooks/slow", "during"));
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.headers().firstValue("Retry-After")).isPresent();

        release.countDown();
        assertThat(restart.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(send(hook("/hooks/slow", "after")).statusCode()).isEqualTo(200);
        assertThat(storedTexts()).contains("before", "after").doesNotContain("during");
    }

    @Test
    void aHookOfAnInstanceThatFailedToStartAnswers503NotNotFound() throws Exception {
        hub = startHub();

        HttpResponse<String> r = send(hook("/hooks/broken", "hello"));

        assertThat(state("broken")).isEqualTo("FAILED");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    private Hub startHub() {
        try {
            return local.start(dir, LocalHub.QUICK_DELIVERY,
                    List.of(instance("slow", SLOW.name()), instance("broken", BROKEN.name())), List.of(),
                    SLOW, BROKEN);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first answer once the port accepts connections (retrying only refused connections). */
    private HttpResponse<String> firstAnswer(String path) {
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        Poll.until("the HTTP port answers", () -> {
            try {
                answer.set(send(hook(path, "first")));
                return true;
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof ConnectException) {
                    return false;
                }
                throw e;
            }
        });
        return answer.get();
    }

    private HttpRequest.Builder hook(String path, String text) {
        return local.postText(path, text);
    }

    private String state(String id) {
        return json(send(local.withToken(local.get("/api/instances")))).at("/instances/" + id + "/state").asText();
    }

    private List<String> storedTexts() {
        var body = json(send(local.withToken(local.get("/api/messages"))));
        return java.util.stream.StreamSupport.stream(body.path("messages").spliterator(), false)
                .map(m -> m.at("/message/text").asText()).toList();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        return local.send(b);
    }

    /** A channel whose start waits for the test's gate, if one is set; its webhook stores the body as a message. */
    static final class SlowChannel implements ChannelConnector {
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) throws Exception {
            this.context = ctx;
            CountDownLatch gate = GATE.get();
            if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the start");
            }
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            String text = new String(request.body(), StandardCharsets.UTF_8);
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(SLOW.name(), context.instanceId()))
                    .channelMessageId(UUID.randomUUID().toString()).threadKey("t")
                    .author(Author.customer("Visitor", Address.chatUser("t"))).text(text).build())));
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent";
        }
    }

    /** Never starts. */
    static final class BrokenChannel implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            throw new IllegalStateException("upstream refused the credentials");
        }

        @Override
        public String send(OutboundMessage outbound) {
            throw new UnsupportedOperationException();
        }
    }
}
