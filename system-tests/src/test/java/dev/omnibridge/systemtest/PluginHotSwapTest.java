package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Parallel;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24, plugins in and out while the hub runs: the desk plugin (webhook-desk) is replaced by a new version while
 * a thousand messages flow, then removed and brought back, and the configuration file is reloaded; one hub for all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginHotSwapTest extends SystemTestBase {
    private static final String DESK_ZIP = "omnibridge-webhook-desk-plugin.zip";
    private static final String NEW_VERSION = "2.0.0";
    private static final String NEW_AGENT = "omnibridge-webhook-desk/" + NEW_VERSION;
    private static final int CONVERSATIONS = 50;
    private static final int PER_CONVERSATION = 20;
    private static final int TOTAL = CONVERSATIONS * PER_CONVERSATION;
    private static final String WEB2 = "web2";

    @Override
    protected HubConfig config() {
        return standardConfig().delivery("initialBackoff", "200ms").delivery("maxBackoff", "2s");
    }

    @Test
    @Order(1)
    void theDeskPluginReplacedWhileAThousandMessagesFlowDeliversEachOnceInOrderAndTheNewVersionShows() throws Exception {
        Path newVersion = newDeskVersion();
        List<String> rejected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch swapping = new CountDownLatch(1);
        // The first half of every conversation is posted before the swap, the second half while it happens.
        CompletableFuture<Void> posting = CompletableFuture.runAsync(() -> Parallel.run(8, thread -> {
            for (int seq = 0; seq < PER_CONVERSATION; seq++) {
                if (seq == PER_CONVERSATION / 2) {
                    await(swapping);
                }
                for (int conv = thread; conv < CONVERSATIONS; conv += 8) {
                    HttpResponse<String> response = postToChannel(messageId(conv, seq), "swap-" + conv, "message " + seq);
                    if (response.statusCode() != 200) {
                        rejected.add(describe(response));
                    }
                }
            }
        }));
        Poll.until(Duration.ofSeconds(60), "the desk has received 100 requests", () -> desk.getAllServeEvents().size() >= 100);

        // A new build of the plugin dropped over the old one, as an operator would (one move), and the reload asked.
        Path tmp = hub.pluginsDir().resolve(".incoming.tmp");
        Files.copy(newVersion, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, hub.pluginsDir().resolve(DESK_ZIP), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        swapping.countDown();
        HttpResponse<String> reload = hub.http().adminPost("/api/plugins/reload", "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        JsonNode swapped = Json.parse(reload.body());
        if (swapped.path("changed").asBoolean()) { // else the directory watch got there first
            assertThat(swapped.path("files").get(0).path("change").asText()).isEqualTo("replaced");
            assertThat(swapped.path("files").get(0).path("version").asText()).isEqualTo(NEW_VERSION);
            assertThat(swapped.path("restarted").toString()).contains("\"" + DESK + "\"");
        }
        posting.get(120, TimeUnit.SECONDS);
        assertThat(rejected).as("webhook answers other than 200 (the channel is another plugin)").isEmpty();

        Poll.until(Duration.ofSeconds(120), "the desk has received " + TOTAL + " requests",
                () -> swapRequests().size() >= TOTAL);
        awaitQuiet(desk, Duration.ofSeconds(2));
        List<ReceivedRequest> received = swapRequests();

        // None lost, none twice.
        assertThat(received).hasSize(TOTAL);
        assertThat(received).extracting(ReceivedRequest::idempotencyKey).doesNotHaveDuplicates();
        assertThat(received).extracting(ReceivedRequest::channelMessageId).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, CONVERSATIONS).boxed().flatMap(c -> IntStream.range(0, PER_CONVERSATION)
                        .mapToObj(s -> messageId(c, s))).toList());
        // In order per conversation, the ticket kept across the swap.
        Map<String, List<ReceivedRequest>> byConversation = received.stream()
                .collect(groupingBy(ReceivedRequest::threadKey, LinkedHashMap::new, toList()));
        for (int conv = 0; conv < CONVERSATIONS; conv++) {
            int c = conv;
            List<ReceivedRequest> requests = byConversation.get("swap-" + conv);
            assertThat(requests).extracting(ReceivedRequest::channelMessageId).as("delivery order of swap-%d", conv)
                    .containsExactlyElementsOf(IntStream.range(0, PER_CONVERSATION).mapToObj(s -> messageId(c, s)).toList());
            assertThat(requests.subList(1, requests.size())).extracting(ReceivedRequest::ticketRef)
                    .containsOnly("T-" + requests.get(0).conversationId());
        }
        // The old version before, the new one after: never the old one again once the new one has posted.
        List<String> agents = received.stream().map(r -> r.header("User-Agent")).toList();
        int firstNew = agents.indexOf(NEW_AGENT);
        assertThat(firstNew).as("the new version posted").isPositive();
        assertThat(agents.subList(0, firstNew)).allSatisfy(a -> assertThat(a).startsWith("omnibridge-webhook-desk/")
                .isNotEqualTo(NEW_AGENT));
        assertThat(agents.subList(firstNew, agents.size())).containsOnly(NEW_AGENT);
        assertThat(deadLetters()).isEmpty();
        assertThat(hub.http().health().at("/instances/" + DESK + "/state").asText()).isEqualTo("RUNNING");
    }

    @Test
    @Order(2)
    void removingTheDeskPluginStopsItsInstanceWithTheReasonAndItsMessagesWaitForItsReturn() throws Exception {
        Path zip = hub.pluginsDir().resolve(DESK_ZIP);
        Path kept = Files.copy(zip, hub.workDir().resolve("kept-" + DESK_ZIP), StandardCopyOption.REPLACE_EXISTING);
        Files.delete(zip);

        // Picked up by the directory watch.
        Poll.until(Duration.ofSeconds(30), "desk STOPPED", () -> hub.http().health()
                .at("/instances/" + DESK + "/state").asText().equals("STOPPED"));
        JsonNode health = hub.http().health();
        assertThat(health.at("/instances/" + DESK + "/lastError").asText()).contains("webhook-desk").contains("removed");
        assertThat(health.at("/instances/" + WEB + "/state").asText()).isEqualTo("RUNNING");
        JsonNode listed = hub.http().adminJson("/api/instances").path("instances").path(DESK);
        assertThat(listed.path("state").asText()).isEqualTo("STOPPED");
        assertThat(listed.path("lastError").asText()).contains("webhook-desk").contains("removed");
        // Its hook says come back later; a customer's message is still taken and waits for the desk.
        assertThat(postDeskReply("{}").statusCode()).isEqualTo(503);
        assertThat(postToChannel("while-removed-1", "removed-conv", "hello").statusCode()).isEqualTo(200);

        Files.copy(kept, zip);
        HttpResponse<String> reload = hub.http().adminPost("/api/plugins/reload", "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        awaitRunning(DESK);
        assertThat(awaitDeskAccepted("removed-conv", 1, Duration.ofSeconds(30))).singleElement()
                .satisfies(r -> assertThat(r.channelMessageId()).isEqualTo("while-removed-1"));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    @Order(3)
    void aConfigurationReloadAddsAnInstanceWithoutRestartAndABadFileIsRefusedAsAWhole() {
        // (The builder adds to itself: each file is built anew.)
        hub.rewriteConfig(withWeb2().instance("ghost", "no-such-type", Map.of()));
        HttpResponse<String> refused = hub.http().adminPost("/api/config/reload", "");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("ghost").contains("no-such-type");
        assertThat(hub.http().health().path("instances").has(WEB2)).as("nothing of the bad file applied").isFalse();

        hub.rewriteConfig(withWeb2());
        HttpResponse<String> reload = hub.http().adminPost("/api/config/reload", "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        awaitRunning(WEB2, WEB, DESK);
        HttpResponse<String> posted = hub.http().postSigned("/hooks/" + WEB2, CHANNEL_SECRET,
                dev.omnibridge.systemtest.support.Messages.inbound("web2-1", "web2-conv", "hi"));
        assertThat(posted.statusCode()).as(describe(posted)).isEqualTo(200);
        assertThat(awaitDeskAccepted("web2-conv", 1, Duration.ofSeconds(30))).singleElement()
                .satisfies(r -> assertThat(r.text("/conversation/channel/instanceId")).isEqualTo(WEB2));
        assertThat(hub.http().health().at("/instances/" + DESK + "/state").asText()).isEqualTo("RUNNING");
    }

    private HubConfig withWeb2() {
        return config().channel(WEB2, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH).route(WEB2, DESK);
    }

    private List<ReceivedRequest> swapRequests() {
        return deskRequests().stream().filter(r -> r.threadKey() != null && r.threadKey().startsWith("swap-")).toList();
    }

    /** The built webhook-desk zip as version {@value #NEW_VERSION}: its descriptor and the version it reports. */
    private static Path newDeskVersion() throws IOException {
        Path out = Files.createTempDirectory("webhook-desk-v2").resolve(DESK_ZIP);
        try (InputStream in = Files.newInputStream(HubProcess.pluginZip("webhook-desk"));
             ZipInputStream zin = new ZipInputStream(in);
             OutputStream os = Files.newOutputStream(out);
             ZipOutputStream zout = new ZipOutputStream(os)) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                byte[] data = zin.readAllBytes();
                if (e.getName().equals("plugin.properties")) {
                    data = new String(data, StandardCharsets.ISO_8859_1)
                            .replaceAll("(?m)^plugin\\.version=.*$", "plugin.version=" + NEW_VERSION)
                            .getBytes(StandardCharsets.ISO_8859_1);
                } else if (e.getName().endsWith("webhookdesk/plugin-version.properties")) {
                    data = ("version=" + NEW_VERSION + "\n").getBytes(StandardCharsets.ISO_8859_1);
                }
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(data);
                zout.closeEntry();
            }
        }
        return out;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the swap did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static String messageId(int conversation, int seq) {
        return "s" + conversation + "-m" + seq;
    }
}
