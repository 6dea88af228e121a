package dev.omnibridge.hub.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} of a real hub after some traffic: the hub's own families keep their names, types and labels,
 * and the JVM, process, HTTP server, store pool and Camel route families are there, with bounded labels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest {
    private static final String TOKEN = "metrics-test-admin-token";
    private static final String CUSTOMER_ID = "customer-4711";
    private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    private static final TestType PROBE = new TestType(ProbeChannel.NAME, "test channel", ProbeChannel::new);
    private static final TestType FLAKY_DESK = new TestType("metrics-flaky-desk", "test desk that always fails",
            FlakyDesk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;
    private String conversationId;
    private String messageId;

    @BeforeAll
    void startHubAndMakeTraffic() throws Exception {
        hub = local.start(dir, new HubConfig.Delivery(2, 2, Duration.ofMillis(50), Duration.ofMillis(100)),
                List.of(instance("probe", PROBE.name()), instance("flaky", FLAKY_DESK.name()),
                        instance("inbox", "console-inbox")),
                // No mirror (issue 22): the console's answer would be one more delivery to the always-down desk.
                List.of(new HubConfig.Route(null, List.of("probe"), null,
                        List.of(dev.omnibridge.hub.triage.DeskTarget.of("inbox"),
                                dev.omnibridge.hub.triage.DeskTarget.of("flaky")), true, false,
                        dev.omnibridge.hub.mirror.MirrorSetting.NONE)),
                PROBE, FLAKY_DESK);

        assertThat(post("/hooks/probe/message", "").statusCode()).isEqualTo(200);
        assertThat(post("/hooks/probe/noise", "").statusCode()).isEqualTo(200);
        assertThat(post("/hooks/probe/unreadable", "").statusCode()).isEqualTo(200);
        assertThat(post("/hooks/probe/forged", "").statusCode()).isEqualTo(401);
        assertThat(post("/hooks/no-such-instance", "").statusCode()).isEqualTo(404);
        assertThat(get("/no/such/page/" + CUSTOMER_ID).statusCode()).isEqualTo(404);
        assertThat(get("/camel-probe").body()).isEqualTo("pong");

        Poll.until("the conversation is stored", () -> {
            JsonNode list = json(get("/api/conversations")).path("conversations");
            if (list.isEmpty()) {
                return false;
            }
            conversationId = list.get(0).path("id").asText();
            return true;
        });
        messageId = json(get("/api/messages?conversationId=" + conversationId)).path("messages").get(0)
                .path("message").path("id").asText();
        assertThat(messageId).isNotBlank();
        assertThat(get("/api/conversations/" + conversationId).statusCode()).isEqualTo(200);
        assertThat(get("/api/messages/" + messageId).statusCode()).isEqualTo(200);
        Poll.until("the inbox has the conversation", () -> json(get("/api/conversations/" + conversationId))
                .path("deskTickets").has("inbox"));
        assertThat(post("/api/conversations/" + conversationId + "/replies",
                "{\"inbox\":\"inbox\",\"text\":\"Hello from the desk\"}").statusCode()).isEqualTo(202);
        Poll.until("the reply went out through the channel", () -> ProbeChannel.SENT.get() > 0);
        Poll.until("the reply's delivery is counted",
                () -> sample(scrape(), "omnibridge_messages_out_total", Map.of("instance", "probe")) != null);
        assertThat(post("/hooks/probe/status", "").statusCode()).isEqualTo(200);
        Poll.until("the flaky desk's delivery is dead", () -> {
            Double dead = sample(scrape(), "omnibridge_deliveries", Map.of("state", "dead"));
            return dead != null && dead >= 1;
        });
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void todaysFamiliesKeepTheirNamesTypesAndLabels() throws Exception {
        Scrape scrape = scrape();

        assertThat(scrape.types).containsEntry("omnibridge_messages_in_total", "counter")
                .containsEntry("omnibridge_messages_out_total", "counter")
                .containsEntry("omnibridge_delivery_failures_total", "counter")
                .containsEntry("omnibridge_webhooks_rejected_total", "counter")
                .containsEntry("omnibridge_inbound_ignored_total", "counter")
                .containsEntry("omnibridge_inbound_dead_letters_total", "counter")
                .containsEntry("omnibridge_channel_statuses_total", "counter")
                .containsEntry("omnibridge_deliveries", "gauge")
                .containsEntry("omnibridge_delivery_latency_seconds", "histogram");
        assertThat(sample(scrape, "omnibridge_messages_in_total", Map.of("instance", "probe"))).isEqualTo(1.0);
        assertThat(sample(scrape, "omnibridge_messages_out_total", Map.of("instance", "inbox"))).isEqualTo(1.0);
        assertThat(sample(scrape, "omnibridge_messages_out_total", Map.of("instance", "probe"))).isEqualTo(1.0);
        assertThat(sample(scrape, "omnibridge_delivery_failures_total", Map.of("instance", "flaky")))
                .isGreaterThanOrEqualTo(2.0);
        assertThat(sample(scrape, "omnibridge_webhooks_rejected_total", Map.of("instance", "probe"))).isEqualTo(1.0);
        assertThat(sample(scrape, "omnibridge_inbound_ignored_total", Map.of("instance", "probe"))).isEqualTo(1.0);
        assertThat(sample(scrape, "omnibridge_inbound_dead_letters_total", Map.of("instance", "probe")))
                .isEqualTo(1.0);
        assertThat(sample(scrape, "omnibridge_channel_statuses_total",
                Map.of("instance", "probe", "state", "delivered"))).isEqualTo(1.0);
        for (String state : List.of("pending", "retrying", "dead")) {
            assertThat(sample(scrape, "omnibridge_deliveries", Map.of("state", state))).as(state).isNotNull();
        }
        assertThat(sample(scrape, "omnibridge_deliveries", Map.of("state", "dead"))).isEqualTo(1.0);

        assertThat(scrape.labelValues("omnibridge_delivery_latency_seconds_bucket", "le"))
                .containsExactlyInAnyOrder("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5",
                        "5.0", "10.0", "30.0", "60.0", "300.0", "+Inf");
        assertThat(sample(scrape, "omnibridge_delivery_latency_seconds_count", Map.of())).isEqualTo(2.0);
        assertThat(sample(scrape, "omnibridge_delivery_latency_seconds_bucket", Map.of("le", "+Inf")))
                .isEqualTo(2.0);
        assertThat(sample(scrape, "omnibridge_delivery_latency_seconds_sum", Map.of())).isPositive();

        // The same label sets as before: nothing added to the hub's own families.
        for (String counter : List.of("omnibridge_messages_in_total", "omnibridge_messages_out_total",
                "omnibridge_delivery_failures_total", "omnibridge_webhooks_rejected_total",
                "omnibridge_inbound_ignored_total", "omnibridge_inbound_dead_letters_total")) {
            assertThat(scrape.labelNames(counter)).as(counter).containsExactly(Set.of("instance"));
        }
        assertThat(scrape.labelNames("omnibridge_channel_statuses_total")).containsExactly(Set.of("instance", "state"));
        assertThat(scrape.labelNames("omnibridge_deliveries")).containsExactly(Set.of("state"));
        assertThat(scrape.labelNames("omnibridge_delivery_latency_seconds_bucket")).containsExactly(Set.of("le"));
        assertThat(scrape.labelNames("omnibridge_delivery_latency_seconds_count")).containsExactly(Set.of());
    }

    @Test
    void jvmAndProcessFamiliesAreServed() throws Exception {
        Scrape scrape = scrape();

        assertThat(scrape.labelNames("jvm_memory_used_bytes")).contains(Set.of("area", "id"));
        assertThat(scrape.labelValues("jvm_memory_used_bytes", "area")).contains("heap", "nonheap");
        assertThat(scrape.types.keySet()).anyMatch(name -> name.startsWith("jvm_gc_"));
        assertThat(sample(scrape, "jvm_threads_live_threads", Map.of())).isPositive();
        assertThat(scrape.labelValues("jvm_threads_states_threads", "state")).contains("runnable");
        assertThat(scrape.samples).containsKey("process_cpu_usage");
        assertThat(sample(scrape, "process_files_open_files", Map.of())).isPositive();
        assertThat(scrape.samples).containsKey("process_uptime_seconds");
    }

    @Test
    void httpRequestsAreTimedByRouteTemplateNeverByRawPath() throws Exception {
        Scrape scrape = scrape();

        assertThat(scrape.types).containsEntry("http_server_requests_seconds", "histogram");
        assertThat(scrape.labelNames("http_server_requests_seconds_count"))
                .containsOnly(Set.of("method", "route", "status"));
        assertThat(sample(scrape, "http_server_requests_seconds_count",
                Map.of("method", "POST", "route", "/hooks/:instanceId/*", "status", "200"))).isGreaterThanOrEqualTo(3.0);
        assertThat(sample(scrape, "http_server_requests_seconds_count",
                Map.of("method", "POST", "route", "/hooks/:instanceId/*", "status", "401"))).isEqualTo(1.0);
        assertThat(sample(scrape, "http_server_requests_seconds_count",
                Map.of("method", "GET", "route", "/api/conversations/:id", "status", "200"))).isPositive();
        assertThat(sample(scrape, "http_server_requests_seconds_count",
                Map.of("method", "GET", "route", "/api/messages/:id", "status", "200"))).isPositive();
        assertThat(sample(scrape, "http_server_requests_seconds_count",
                Map.of("method", "GET", "route", "NOT_FOUND", "status", "404"))).isEqualTo(1.0);
        assertThat(sample(scrape, "http_server_requests_seconds_count",
                Map.of("method", "GET", "route", "/camel-probe", "status", "200"))).isEqualTo(1.0);

        Set<String> everyLabelValue = scrape.allLabelValues();
        assertThat(everyLabelValue).noneMatch(v -> v.contains(conversationId)).noneMatch(v -> v.contains(messageId))
                .noneMatch(v -> v.contains(CUSTOMER_ID)).noneMatch(v -> v.contains("no-such-instance"));
    }

    @Test
    void theStoresConnectionPoolIsServed() throws Exception {
        Scrape scrape = scrape();

        Map<String, String> pool = Map.of("pool", "omnibridge-store");
        assertThat(sample(scrape, "hikaricp_connections_active", pool)).isNotNull();
        assertThat(sample(scrape, "hikaricp_connections_idle", pool)).isNotNull();
        assertThat(sample(scrape, "hikaricp_connections_max", pool)).isPositive();
        assertThat(sample(scrape, "hikaricp_connections_pending", pool)).isNotNull();
    }

    @Test
    void camelRoutesAreTimed() throws Exception {
        Scrape scrape = scrape();

        assertThat(scrape.samples.keySet()).anyMatch(name -> name.startsWith("camel_exchanges_"));
        assertThat(scrape.labelValues("camel_exchanges_total", "routeId")).contains("probe-camel-route");
    }

    @Test
    void textFormatIsTheDefaultAndOpenMetricsIsNegotiated() throws Exception {
        HttpResponse<String> plain = get("/metrics");
        assertThat(plain.headers().firstValue("Content-Type")).contains(TEXT_004);
        assertThat(plain.body()).contains("# TYPE omnibridge_messages_in_total counter").doesNotContain("# EOF");

        HttpResponse<String> open = local.send(local.get("/metrics").header("Accept",
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
        assertThat(open.headers().firstValue("Content-Type"))
                .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(open.body()).contains("omnibridge_messages_in_total{instance=\"probe\"} 1").endsWith("# EOF\n");

        // Protobuf is not shipped (its writer is left out of the distribution): such a scraper gets text.
        HttpResponse<String> proto = local.send(local.get("/metrics").header("Accept",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"));
        assertThat(proto.statusCode()).isEqualTo(200);
        assertThat(proto.headers().firstValue("Content-Type")).contains(TEXT_004);
    }

    // ---- a scrape, parsed ----

    private record Sample(Map<String, String> labels, double value) {
    }

    private static final class Scrape {
        final Map<String, String> types = new LinkedHashMap<>();
        final Map<String, List<Sample>> samples = new LinkedHashMap<>();
        private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        Scrape(String body) {
            for (String line : body.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher m = LINE.matcher(line);
                    assertThat(m.matches()).as("a sample line: %s", line).isTrue();
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (m.group(3) != null) {
                        Matcher l = LABEL.matcher(m.group(3));
                        while (l.find()) {
                            labels.put(l.group(1), l.group(2));
                        }
                    }
                    samples.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                            .add(new Sample(labels, Double.parseDouble(m.group(4))));
                }
            }
        }

        Set<Set<String>> labelNames(String name) {
            Set<Set<String>> sets = new java.util.HashSet<>();
            samples.getOrDefault(name, List.of()).forEach(s -> sets.add(s.labels().keySet()));
            return sets;
        }

        Set<String> labelValues(String name, String label) {
            Set<String> values = new TreeSet<>();
            samples.getOrDefault(name, List.of()).forEach(s -> {
                if (s.labels().containsKey(label)) {
                    values.add(s.labels().get(label));
                }
            });
            return values;
        }

        Set<String> allLabelValues() {
            Set<String> values = new TreeSet<>();
            samples.values().forEach(list -> list.forEach(s -> values.addAll(s.labels().values())));
            return values;
        }
    }

    /** The value of the sample whose labels are exactly {@code labels}; null if there is none. */
    private static Double sample(Scrape scrape, String name, Map<String, String> labels) {
        return scrape.samples.getOrDefault(name, List.of()).stream().filter(s -> s.labels().equals(labels))
                .map(Sample::value).findFirst().orElse(null);
    }

    private Scrape scrape() {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return new Scrape(r.body());
    }

    // ---- HTTP ----

    private HttpResponse<String> get(String path) {
        return local.send(local.withToken(local.get(path)));
    }

    private HttpResponse<String> post(String path, String body) {
        return local.send(local.withToken(local.postJson(path, body)));
    }

    // ---- the test's own connectors ----

    /** A channel whose webhook sub-path says what arrived; it also serves one Camel route. */
    static final class ProbeChannel implements ChannelConnector {
        static final AtomicInteger SENT = new AtomicInteger();
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) throws Exception {
            this.context = ctx;
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/camel-probe?httpMethodRestrict=GET").routeId("probe-camel-route")
                            .setBody(constant("pong"));
                }
            });
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            URI original = URI.create("probe:" + request.subPath());
            Inbound inbound = switch (request.subPath()) {
                case "message" -> Inbound.messages(List.of(Message.builder()
                        .channel(new ChannelRef(NAME, context.instanceId())).channelMessageId("in-1")
                        .threadKey(CUSTOMER_ID).author(Author.customer("Visitor", Address.chatUser(CUSTOMER_ID)))
                        .text("Hello").build()));
                case "noise" -> Inbound.skipped(Skipped.ignored("noise-1", "auto-reply", original));
                case "unreadable" -> Inbound.skipped(Skipped.deadLetter("bad-1", "unreadable", original));
                case "status" -> Inbound.statuses(List.of(new DeliveryStatus("probe-out-1",
                        DeliveryStatus.State.DELIVERED, null, null, null)));
                default -> throw new WebhookRejectedException(401, "bad signature");
            };
            return WebhookOutcome.store(inbound, WebhookResponse.text(200, "ok"));
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "probe-out-" + SENT.incrementAndGet();
        }

        static final String NAME = "metrics-probe";
    }

    /** A desk that is always down. */
    static final class FlakyDesk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            throw DeliveryException.retryable("desk is down", null);
        }
    }
}
