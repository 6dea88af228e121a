package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.TwilioHubClient;
import dev.omnibridge.systemtest.support.TwilioWebhooks;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-means 3 of issue 20, on the packaged hub: a customer writes by SMS (Twilio fake), once with a photo (MMS);
 * the conversation goes to a Zendesk fake. The export holds every item the test created (both texts, the photo, the
 * phone number, the conversation, the desk deliveries). The erasure is SIGKILLed while Zendesk holds its first delete
 * call unanswered, resumes after the restart, calls Zendesk's delete and permanent-delete APIs for the tickets and the
 * requester, and afterwards no byte of the database file, the attachment directory or the hub's log holds the
 * customer's number, texts or photo.
 */
class ContactErasureTest extends SystemTestBase {
    private static final String SMS = "sms";
    private static final String ZENDESK = "zd";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";
    private static final String BUSINESS_NUMBER = "+14155550100";
    private static final String ZD_EMAIL = "bridge@acme.test";
    private static final String ZD_TOKEN = "zd-test-api-token-0123456789";
    private static final String ZD_SIGNING = "zd-signing-secret-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String customer = "+1415555" + (1000 + ThreadLocalRandom.current().nextInt(8999));
    private final String text1 = "My locker code is 88-ERASE-" + ThreadLocalRandom.current().nextInt(1_000_000);
    private final String text2 = "Here is the photo of my ID card " + ThreadLocalRandom.current().nextInt(1_000_000);
    private final String photo = "PHOTO-BYTES-OF-THE-ID-CARD-" + ThreadLocalRandom.current().nextLong();

    private TwilioApiFake twilio;
    private ZendeskApiFake zendesk;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        zendesk = ZendeskApiFake.start(ZD_EMAIL, ZD_TOKEN);
        HubProcess started = startHubWith("twilio", "zendesk");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> sms = new LinkedHashMap<>(twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN));
        sms.put("timeout", "5s");
        return quickRetryConfig()
                .instance(SMS, "twilio-sms", sms)
                .instance(ZENDESK, "zendesk", zendesk.instanceSettings(ZD_SIGNING))
                .route(SMS, ZENDESK);
    }

    @BeforeAll
    void instancesAreRunning() {
        awaitRunning(SMS, ZENDESK);
    }

    @AfterAll
    void stopFakes() {
        if (twilio != null) {
            twilio.close();
        }
        if (zendesk != null) {
            zendesk.close();
        }
    }

    @Test
    void exportHoldsEverythingAndTheErasureResumesAfterSigkillAndLeavesNoTraceInStoreFilesOrLogs()
            throws Exception {
        // The customer writes twice, once with a photo; both reach Zendesk.
        String sid1 = TwilioWebhooks.sid("SM");
        ok(postInbound(TwilioWebhooks.inboundSms(sid1, ACCOUNT_SID, customer, BUSINESS_NUMBER, text1)));
        String sid2 = TwilioWebhooks.sid("MM");
        String mediaUrl = twilio.serveMedia("/media/" + sid2 + "/" + TwilioWebhooks.sid("ME"), "image/jpeg",
                photo.getBytes(StandardCharsets.UTF_8));
        ok(postInbound(TwilioWebhooks.inboundMms(sid2, ACCOUNT_SID, customer, BUSINESS_NUMBER, text2, mediaUrl,
                "image/jpeg")));
        String conversation = awaitConversationOf(SMS, customer, WAIT);
        Poll.until(WAIT, "both messages delivered to Zendesk", () -> deskDeliveriesDone(conversation) == 2);
        String contactId = hub.http().adminJson("/api/conversations/" + conversation).path("contactId").asText();
        ObjectNode ticket = zendesk.ticketsOpenedWith(text1).get(0);
        long requesterId = ticket.path("requester_id").asLong();

        // Export: every item this test created.
        HttpResponse<byte[]> export = adminBytes("/api/contacts/" + contactId + "/export");
        assertThat(export.statusCode()).isEqualTo(200);
        Map<String, byte[]> zip = unzip(export.body());
        assertThat(text(zip, "contact.json")).contains(customer).contains(contactId);
        assertThat(text(zip, "conversations.json")).contains(conversation);
        assertThat(text(zip, "messages.jsonl")).contains(text1).contains(text2).contains(sid1).contains(sid2);
        JsonNode deliveries = Json.parse(text(zip, "deliveries.json"));
        assertThat(deliveries.path("finished")).as("deliveries.json: %s", deliveries).hasSize(2)
                .allSatisfy(d -> assertThat(d.path("targetInstance").asText()).isEqualTo(ZENDESK));
        assertThat(zip.entrySet().stream().filter(e -> e.getKey().startsWith("attachments/"))
                .map(e -> new String(e.getValue(), StandardCharsets.UTF_8))).containsExactly(photo);
        assertThat(zip).containsKey("surveys.json");
        List<String> traces = List.of(customer, customer.substring(1), text1, text2, photo);
        assertThat(scan(hub.workDir().resolve("data"), traces)).as("the scan finds what is stored").isNotEmpty();

        // Zendesk knows the requester by the contact id, and holds the first delete call unanswered.
        zendesk.server().stubFor(get(urlPathEqualTo("/api/v2/users/search")).atPriority(1)
                .withQueryParam("external_id", equalTo(contactId))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(Json.write(Json.object().set("users", Json.MAPPER.createArrayNode().add(Json.object()
                                .put("id", requesterId).put("external_id", contactId).put("role", "end-user")))))));
        StubMapping hold = zendesk.server().stubFor(any(urlPathMatching("/api/v2/(deleted_)?(users|tickets)/\\d+"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));

        HttpResponse<String> erase = hub.http().admin("DELETE", "/api/contacts/" + contactId);
        assertThat(erase.statusCode()).as(describe(erase)).isEqualTo(202);
        String jobId = Json.parse(erase.body()).path("id").asText();
        Poll.until(WAIT, "Zendesk holds the erasure's first delete call", () -> !zendesk.server()
                .findAll(deleteRequestedFor(urlPathMatching("/api/v2/.*"))).isEmpty());
        assertThat(hub.http().adminJson("/api/erasures/" + jobId).path("state").asText()).isEqualTo("DESKS");
        hub.kill9();

        // Zendesk answers again; the restarted hub resumes the erasure where it stopped.
        zendesk.server().removeStub(hold);
        zendesk.server().stubFor(delete(urlPathMatching("/api/v2/tickets/\\d+")).atPriority(1)
                .willReturn(aResponse().withStatus(204)));
        zendesk.server().stubFor(delete(urlPathMatching("/api/v2/deleted_tickets/\\d+")).atPriority(1)
                .willReturn(json("{\"job_status\":{\"id\":\"j1\",\"status\":\"queued\"}}")));
        zendesk.server().stubFor(delete(urlPathMatching("/api/v2/users/\\d+")).atPriority(1)
                .willReturn(json("{\"user\":{\"id\":" + requesterId + ",\"active\":false}}")));
        zendesk.server().stubFor(delete(urlPathMatching("/api/v2/deleted_users/\\d+")).atPriority(1)
                .willReturn(json("{\"deleted_user\":{\"id\":" + requesterId + "}}")));
        hub.restart();
        awaitRunning(SMS, ZENDESK);
        Poll.until(Duration.ofSeconds(90), "the erasure is done after the restart",
                () -> hub.http().adminJson("/api/erasures/" + jobId).path("done").asBoolean());

        JsonNode job = hub.http().adminJson("/api/contacts/" + contactId + "/erasure");
        assertThat(job.path("id").asText()).isEqualTo(jobId);
        assertThat(job.path("desks")).singleElement().satisfies(d -> {
            assertThat(d.path("desk").asText()).isEqualTo(ZENDESK);
            assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("ERASED");
        });
        assertThat(job.path("figures").path("messages").asText()).isEqualTo("2");
        assertThat(job.path("figures").path("attachmentFiles").asText()).isEqualTo("1");
        assertThat(zendesk.server().findAll(deleteRequestedFor(urlPathEqualTo("/api/v2/users/" + requesterId))))
                .as("Zendesk delete user").isNotEmpty();
        assertThat(zendesk.server().findAll(deleteRequestedFor(urlPathEqualTo("/api/v2/deleted_users/"
                + requesterId)))).as("Zendesk permanently delete user").isNotEmpty();
        assertThat(zendesk.server().findAll(deleteRequestedFor(urlPathEqualTo("/api/v2/deleted_tickets/"
                + ticket.path("id").asLong())))).as("Zendesk permanently delete ticket").isNotEmpty();

        // The counts stay; the content is gone from the API, the store file, the attachment directory and the log.
        JsonNode timeline = hub.http().adminJson("/api/messages?conversationId=" + conversation);
        assertThat(timeline.path("messages")).hasSize(2);
        assertThat(timeline.toString()).doesNotContain(text1).doesNotContain(text2).doesNotContain(customer);
        List<String> found = new ArrayList<>(scan(hub.workDir().resolve("data"), traces));
        found.addAll(scan(hub.workDir().resolve("hub.log"), traces));
        assertThat(found).as("files holding the erased customer's data").isEmpty();

        JsonNode audit = hub.http().adminJson("/api/audit?subject=" + contactId);
        List<String> actions = new ArrayList<>();
        audit.path("entries").forEach(e -> actions.add(e.path("action").asText()));
        assertThat(actions).contains("contact.export", "contact.erase", "contact.erase.done");
        System.out.printf("contact erasure: job %s figures %s%n", jobId, job.path("figures"));
    }

    // --- helpers ---

    private HttpResponse<String> postInbound(Map<String, String> params) {
        return twilioHooks.postSigned("/hooks/" + SMS, AUTH_TOKEN, twilioHooks.defaultWebhookUrl(SMS), params);
    }

    private static void ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private long deskDeliveriesDone(String conversation) {
        long[] n = {0};
        hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversation).path("messages")
                .forEach(m -> m.path("deliveries").forEach(d -> {
                    if (ZENDESK.equals(d.path("target").asText()) && "DONE".equals(d.path("status").asText())) {
                        n[0]++;
                    }
                }));
        return n[0];
    }

    private HttpResponse<byte[]> adminBytes(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path))
                .header("Authorization", "Bearer " + HubProcess.ADMIN_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static String text(Map<String, byte[]> zip, String name) {
        assertThat(zip).containsKey(name);
        return new String(zip.get(name), StandardCharsets.UTF_8);
    }

    /** The files under {@code root} (or the file itself) whose bytes hold any of the strings as UTF-8. */
    private static List<String> scan(Path root, List<String> secrets) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                for (String s : secrets) {
                    if (contains(bytes, s.getBytes(StandardCharsets.UTF_8))) {
                        found.add(f.getFileName() + " holds '" + s + "'");
                    }
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
