package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.KafkaBroker;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/camel-kafka as written (its two route files, the camel-kafka plugin zip) against a real Kafka 4.1 broker
 * in KRaft mode ({@link KafkaBroker}, in the test JVM):
 * <ul>
 *   <li>topic {@value #IN_TOPIC} is channel {@value #FEED}: one conversation per record key, agent replies to
 *       {@value #REPLIES_TOPIC};</li>
 *   <li>desk {@value #EVENTS} publishes every message and status change to {@value #EVENTS_TOPIC}, keyed by
 *       conversation id, in the conversation's order;</li>
 *   <li>a SIGKILL of the hub while it consumes the topic loses no record and stores none twice.</li>
 * </ul>
 */
class CamelKafkaTest extends SystemTestBase {
    private static final String FEED = "feed";
    private static final String EVENTS = "events";
    private static final String INBOX = "inbox";
    private static final String IN_TOPIC = "customer.messages";
    private static final String REPLIES_TOPIC = "customer.replies";
    private static final String EVENTS_TOPIC = "omnibridge.events";
    private static final String DEAD_LETTERS_TOPIC = IN_TOPIC + ".dead-letters";
    private static final Path EXAMPLE = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("..").toAbsolutePath().normalize().toString())).resolve("examples/camel-kafka").toAbsolutePath();
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    private KafkaBroker kafka;

    @Override
    protected HubProcess startHub() {
        // The broker starts while the hub does (each takes seconds): the hub's consumer waits for it and for the
        // topic, as it would for a broker that is down.
        kafka = KafkaBroker.prepare();
        CompletableFuture<Void> brokerUp = CompletableFuture.runAsync(kafka::run);
        HubProcess started = startHubWith("camel-kafka");
        brokerUp.join();
        System.out.printf("camel-kafka: Kafka broker (KRaft, in the test JVM) started in %d ms%n",
                kafka.startTime().toMillis());
        kafka.createTopic(IN_TOPIC, 3);
        kafka.createTopic(EVENTS_TOPIC, 3);
        kafka.createTopic(REPLIES_TOPIC, 1);
        kafka.createTopic(DEAD_LETTERS_TOPIC, 1);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> feed = new LinkedHashMap<>();
        feed.put("routes", EXAMPLE.resolve("kafka-channel.yaml").toString());
        feed.put("properties", Map.of("channel", FEED, "brokers", kafka.bootstrapServers(), "topic", IN_TOPIC,
                "repliesTopic", REPLIES_TOPIC, "groupId", "omnibridge-" + FEED));
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("routes", EXAMPLE.resolve("kafka-events.yaml").toString());
        events.put("events", List.of("messages", "status"));
        events.put("properties", Map.of("desk", EVENTS, "brokers", kafka.bootstrapServers(), "topic", EVENTS_TOPIC));
        return quickRetryConfig()
                .instance(FEED, "camel-channel", feed)
                .instance(EVENTS, "camel-desk", events)
                .instance(INBOX, "console-inbox", Map.of())
                .route(FEED, EVENTS, INBOX);
    }

    @BeforeAll
    void camelInstancesRun() {
        awaitRunning(FEED, EVENTS, INBOX);
    }

    @AfterAll
    void stopHubThenBroker() {
        // The hub first: its consumer and producer leave the broker cleanly instead of retrying a gone one.
        if (hub != null) {
            hub.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aTopicIsAChannelAndEveryMessageAndStatusChangeIsPublishedKeyedByConversationInOrder() {
        String run = unique("t");
        int threads = 4;
        int perThread = 6;
        List<Map.Entry<String, String>> records = new ArrayList<>();
        // A record the hub cannot take (no text) goes to the dead-letter topic; the partition moves on.
        records.add(Map.entry(run + "-k0", ""));
        for (int seq = 0; seq < perThread; seq++) {
            for (int t = 0; t < threads; t++) {
                records.add(Map.entry(run + "-k" + t, "order question " + run + " k" + t + " m" + seq));
            }
        }
        logScan.texts(records.get(1).getValue());
        // Kafka headers named like the hub's reach it: the author's name.
        kafka.produce(IN_TOPIC, records, Map.of("OmnibridgeAuthorName", "Kim " + run));

        Map<String, String> conversations = awaitStored(run, threads, perThread);
        conversations.forEach((thread, conversation) -> assertThat(inboundTexts(conversation))
                .as("stored messages of thread %s, in the topic's order", thread)
                .containsExactlyElementsOf(textsOf(records, thread)));
        assertThat(inboundMessages(conversations.get(run + "-k2")))
                .extracting(m -> m.at("/author/displayName").asText())
                .as("authors, from the records' OmnibridgeAuthorName header").containsOnly("Kim " + run);

        // The console inbox resolves one conversation: a status event, after that conversation's messages.
        String resolved = conversations.get(run + "-k0");
        Poll.until(ARRIVAL, "the inbox has conversation " + resolved, () -> hub.http()
                .adminPost("/api/conversations/" + resolved + "/resolve", "{}").statusCode() == 202);
        // An agent reply leaves through the channel's own route, to the replies topic keyed by the thread.
        HttpResponse<String> reply = hub.http().adminPost("/api/conversations/" + conversations.get(run + "-k1")
                + "/replies", "{\"text\":\"reply " + run + "\",\"author\":\"Alice\"}");
        assertThat(reply.statusCode()).as(describe(reply)).isEqualTo(202);

        Poll.until(ARRIVAL, "the events topic has every message and the status change", () -> {
            Map<String, List<ConsumerRecord<String, String>>> byKey = eventsByConversation(conversations.values());
            return conversations.values().stream().allMatch(c -> messageEvents(byKey.get(c)).size() >= perThread)
                    && !statusEvents(byKey.get(resolved)).isEmpty();
        });
        Map<String, List<ConsumerRecord<String, String>>> byKey = eventsByConversation(conversations.values());
        conversations.forEach((thread, conversation) -> {
            List<ConsumerRecord<String, String>> events = byKey.get(conversation);
            assertThat(events).extracting(ConsumerRecord::partition).as("partitions of %s", conversation)
                    .containsOnly(events.get(0).partition());
            assertThat(messageEvents(events)).extracting(r -> messageText(Json.parse(r.value())))
                    .as("message events of conversation %s, in order", conversation)
                    .containsExactlyElementsOf(textsOf(records, thread));
        });
        List<ConsumerRecord<String, String>> resolvedEvents = byKey.get(resolved);
        int statusAt = resolvedEvents.indexOf(statusEvents(resolvedEvents).get(0));
        assertThat(statusAt).as("the status event comes after the conversation's messages")
                .isGreaterThan(resolvedEvents.indexOf(messageEvents(resolvedEvents).get(perThread - 1)));
        ConsumerRecord<String, String> status = resolvedEvents.get(statusAt);
        assertThat(header(status, "OmnibridgeStatus")).isEqualTo("RESOLVED");
        assertThat(Json.parse(status.value()).path("status").asText()).isEqualTo("RESOLVED");
        assertThat(Json.parse(status.value()).at("/conversation/id").asText()).isEqualTo(resolved);

        List<ConsumerRecord<String, String>> deadLetters = kafka.consumeAll(DEAD_LETTERS_TOPIC, 1, ARRIVAL);
        assertThat(deadLetters).filteredOn(r -> (run + "-k0").equals(r.key()))
                .singleElement().satisfies(r -> assertThat(header(r, "OmnibridgeFailureReason")).contains("empty"));

        List<ConsumerRecord<String, String>> replies = kafka.consumeAll(REPLIES_TOPIC, 1, ARRIVAL);
        assertThat(replies).filteredOn(r -> (run + "-k1").equals(r.key())).extracting(ConsumerRecord::value)
                .containsExactly("reply " + run);
    }

    @Test
    void aHubKilledWhileConsumingLosesNoRecordAndStoresNoneTwice() throws Exception {
        String run = unique("crash");
        int threads = 25;
        int perThread = 20;
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int seq = 0; seq < perThread; seq++) {
            for (int t = 0; t < threads; t++) {
                records.add(Map.entry(run + "-k" + t, "crash " + run + " k" + t + " m" + seq));
            }
        }
        String group = "omnibridge-" + FEED;
        long committedBefore = sum(kafka.committedOffsets(group));
        double storedBefore = storedCount();
        long started = System.nanoTime();
        kafka.produce(IN_TOPIC, records);
        Poll.until(ARRIVAL, "the hub has stored some of the records", () -> storedCount() - storedBefore >= 100);
        hub.kill9();
        long committedAtKill = sum(kafka.committedOffsets(group)) - committedBefore;
        hub.restart();
        awaitRunning(FEED, EVENTS);

        Map<String, String> conversations = awaitStored(run, threads, perThread);
        long total = 0;
        for (Map.Entry<String, String> e : conversations.entrySet()) {
            List<JsonNode> stored = inboundMessages(e.getValue());
            total += stored.size();
            assertThat(stored).extracting(m -> m.path("channelMessageId").asText())
                    .as("message ids of thread %s", e.getKey()).doesNotHaveDuplicates();
            assertThat(stored).extracting(m -> m.path("text").asText())
                    .as("messages of thread %s: each record once, in the topic's order", e.getKey())
                    .containsExactlyElementsOf(textsOf(records, e.getKey()));
        }
        // After the restart the group reads again from its committed offsets: the records stored before the kill
        // but not committed come a second time, and the hub drops them by their message id.
        long storedAfterRestart = (long) storedCount();
        long readAgain = records.size() - committedAtKill;
        System.out.printf("camel-kafka crash: records=%d committedAtKill=%d storedBeforeKill=%d readAgain=%d "
                        + "droppedAsDuplicates=%d stored=%d in %d ms%n", records.size(), committedAtKill,
                records.size() - storedAfterRestart, readAgain, readAgain - storedAfterRestart, total,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(total).as("messages stored").isEqualTo(records.size());
        assertThat(committedAtKill).as("offsets committed when the hub was killed").isLessThan(records.size());
        assertThat(storedAfterRestart).as("messages stored after the restart").isPositive()
                .isLessThan(records.size());
    }

    private static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits until each thread of the run has a conversation on {@value #FEED} with {@code perThread} messages. */
    private Map<String, String> awaitStored(String run, int threads, int perThread) {
        Map<String, String> found = new LinkedHashMap<>();
        Poll.until(Duration.ofSeconds(90), threads + " conversations of " + run + " with " + perThread
                + " messages each", () -> {
            for (JsonNode c : hub.http().adminJson("/api/conversations?limit=1000&channel=" + FEED)
                    .path("conversations")) {
                String thread = c.path("threadKey").asText();
                if (thread.startsWith(run + "-k")) {
                    found.put(thread, c.path("id").asText());
                }
            }
            return found.size() == threads
                    && found.values().stream().allMatch(id -> inboundMessages(id).size() >= perThread);
        });
        return found;
    }

    private List<JsonNode> inboundMessages(String conversation) {
        List<JsonNode> messages = new ArrayList<>();
        hub.http().adminJson("/api/messages?limit=1000&conversationId=" + conversation).path("messages")
                .forEach(v -> {
                    if ("INBOUND".equals(v.path("message").path("direction").asText())) {
                        messages.add(v.path("message"));
                    }
                });
        return messages;
    }

    private List<String> inboundTexts(String conversation) {
        return inboundMessages(conversation).stream().map(m -> m.path("text").asText()).toList();
    }

    private static List<String> textsOf(List<Map.Entry<String, String>> records, String thread) {
        return records.stream().filter(r -> r.getKey().equals(thread)).map(Map.Entry::getValue)
                .filter(text -> !text.isEmpty()).toList();
    }

    /** The events topic's records of these conversations, by key, in offset order; repeats of a delivery dropped. */
    private Map<String, List<ConsumerRecord<String, String>>> eventsByConversation(java.util.Collection<String> ids) {
        Map<String, List<ConsumerRecord<String, String>>> byKey = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, String> r : kafka.consumeToEnd(EVENTS_TOPIC)) {
            if (ids.contains(r.key()) && seen.add(header(r, "OmnibridgeIdempotencyKey"))) {
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
        }
        return byKey;
    }

    private static List<ConsumerRecord<String, String>> messageEvents(List<ConsumerRecord<String, String>> events) {
        return events == null ? List.of() : events.stream()
                .filter(r -> "message".equals(header(r, "OmnibridgeEvent")))
                .filter(r -> "INBOUND".equals(Json.parse(r.value()).at("/message/direction").asText()))
                .toList();
    }

    private static List<ConsumerRecord<String, String>> statusEvents(List<ConsumerRecord<String, String>> events) {
        return events == null ? List.of()
                : events.stream().filter(r -> "status".equals(header(r, "OmnibridgeEvent"))).toList();
    }

    private static String messageText(JsonNode event) {
        return event.at("/message/text").asText();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** {@code omnibridge_messages_in_total} of {@value #FEED}: messages stored since this hub process started. */
    private double storedCount() {
        String prefix = "omnibridge_messages_in_total{";
        for (String line : hub.http().get("/metrics").body().lines().toList()) {
            if (line.startsWith(prefix) && line.contains("instance=\"" + FEED + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static {
        // Fail early and clearly when the example moved.
        if (!Files.isRegularFile(EXAMPLE.resolve("kafka-channel.yaml"))) {
            throw new IllegalStateException(EXAMPLE + "/kafka-channel.yaml is missing");
        }
    }
}
