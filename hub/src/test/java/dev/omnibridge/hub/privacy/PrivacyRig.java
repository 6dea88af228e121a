package dev.omnibridge.hub.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.json;

/**
 * A real hub for the privacy tests: stand-in channels the test submits as, a stand-in desk that sends every
 * delivery as JSON to an HTTP endpoint (a WireMock desk API, when the test gives one), a clock the test moves, and
 * the byte scans the tests make of the store file and the attachment directory.
 */
final class PrivacyRig implements AutoCloseable {
    static final String TOKEN = "privacy-tests-admin-token";
    final LocalHub local = new LocalHub(TOKEN);
    /** Starts at the wall-clock time: file times (attachments) are compared with it. */
    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final StandInConnectors standIns = new StandInConnectors("privacy");
    private final TestType channel = standIns.channel();
    private final TestType desk = new TestType("privacy-desk", "posts deliveries to the desk API", Desk::new);
    private final Path dir;
    volatile URI deskApi;
    Hub hub;

    PrivacyRig(Path dir) {
        this.dir = dir;
    }

    /** The {@code privacy:} section read from YAML, as the hub reads it; a problem fails the test. */
    static PrivacyConfig privacy(String yaml, String... instanceIds) {
        try {
            JsonNode node = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
            List<dev.omnibridge.config.ConfigProblem> problems = new ArrayList<>();
            PrivacyConfig config = PrivacySection.read(node, List.of(instanceIds), problems);
            if (!problems.isEmpty()) {
                throw new AssertionError("privacy section: " + problems);
            }
            return config;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The configuration: channel instances {@code channels}, routed to the desk instance {@code desk}. */
    HubConfig config(List<String> channels) {
        List<HubConfig.Instance> instances = new ArrayList<>();
        channels.forEach(id -> instances.add(LocalHub.instance(id, channel.name())));
        instances.add(LocalHub.instance("desk", desk.name()));
        List<HubConfig.Route> routes = channels.stream().map(id -> new HubConfig.Route(id, List.of("desk"))).toList();
        return local.config(dir, LocalHub.QUICK_DELIVERY, instances, routes);
    }

    Hub start(HubConfig config) throws Exception {
        hub = Hub.start(config, List.of(channel, desk), clock);
        return hub;
    }

    void stop() {
        if (hub != null) {
            hub.close();
            hub = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    Message message(String instance, String channelMessageId, String threadKey, String text,
                    List<Attachment> attachments) {
        return Message.builder().channel(new ChannelRef(channel.name(), instance)).channelMessageId(channelMessageId)
                .threadKey(threadKey).author(Author.customer("Ann", Address.email("ann@example.com"))).text(text)
                .attachments(attachments).build();
    }

    void submit(String instance, Message... messages) throws Exception {
        standIns.context(instance).submit(Inbound.messages(List.of(messages))).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    Attachment storeAttachment(String instance, String name, String content) throws IOException {
        return standIns.context(instance).attachments().store(name, "text/plain",
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), 1 << 20);
    }

    String readAttachment(String instance, Attachment a) throws IOException {
        try (var in = standIns.context(instance).attachments().open(a)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The stored messages, newest first, as {@code GET /api/messages} shows them. */
    List<JsonNode> storedMessages() {
        JsonNode all = json(local.send(local.withToken(local.get("/api/messages?limit=100"))));
        return StreamSupport.stream(all.path("messages").spliterator(), false).map(v -> v.path("message")).toList();
    }

    JsonNode stored(String channelMessageId) {
        return storedMessages().stream().filter(m -> m.path("channelMessageId").asText().equals(channelMessageId))
                .findFirst().orElseThrow(() -> new AssertionError("no stored message " + channelMessageId));
    }

    String get(String path) {
        return local.send(local.withToken(local.get(path))).body();
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** Every byte of the store file and the attachment files, to scan for what must not be there. */
    byte[] storedBytes() throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.write(Files.readAllBytes(f));
            }
        }
        return all.toByteArray();
    }

    static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A desk whose API is an HTTP endpoint: every delivery is POSTed there as the message's JSON. */
    private final class Desk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            URI api = deskApi;
            if (api != null) {
                // A plain HttpURLConnection with both timeouts: a CI run once waited 20 s with no delivery attempt
                // logged while the JDK HttpClient was in use here (its first request sets up a selector thread and
                // TLS defaults even for http).
                try {
                    java.net.HttpURLConnection c = (java.net.HttpURLConnection) api.toURL().openConnection();
                    c.setConnectTimeout(5_000);
                    c.setReadTimeout(5_000);
                    c.setRequestMethod("POST");
                    c.setDoOutput(true);
                    c.setRequestProperty("Content-Type", "application/json");
                    try (var out = c.getOutputStream()) {
                        out.write(CanonicalJson.writeString(delivery.message()).getBytes(StandardCharsets.UTF_8));
                    }
                    int status = c.getResponseCode();
                    try (var in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                        if (in != null) {
                            in.readAllBytes();
                        }
                    }
                    if (status >= 300) {
                        throw new IllegalStateException("desk API answered " + status);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new DeskResult("T-" + delivery.conversation().id(), "c-" + delivery.message().id());
        }
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
