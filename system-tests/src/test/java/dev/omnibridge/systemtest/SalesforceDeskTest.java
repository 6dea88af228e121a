package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SalesforceApiFake;
import dev.omnibridge.systemtest.support.SalesforceApiFake.Call;
import dev.omnibridge.systemtest.support.Signatures;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Salesforce desk end to end: the packaged hub runs instance {@value #SF} (type salesforce, its {@code baseUrl} on
 * {@link SalesforceApiFake}) with the {@value #WEB} webhook channel routed to it. Customer messages become upserted
 * Cases and CaseComments; agents' comments and closed cases come back when a signed poll-now hint reaches
 * {@code /hooks/sf} (the poll interval is long, so only the hint makes it poll). Each test uses its own thread.
 */
class SalesforceDeskTest extends SystemTestBase {
    private static final String SF = "sf";
    private static final String HINT_SECRET = "salesforce-hint-secret";
    private static final String TOKEN = "00DS7000000oxzo!AR8AQ-system-test-token";
    private static final Duration ARRIVAL = Duration.ofSeconds(15);

    private SalesforceApiFake salesforce;

    @Override
    protected HubProcess startHub() {
        salesforce = SalesforceApiFake.start(TOKEN);
        return startHubWith("salesforce");
    }

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(SF, "salesforce", salesforce.instanceSettings(HINT_SECRET))
                .route(WEB, SF)
                .delivery("initialBackoff", "100ms").delivery("maxBackoff", "2s");
    }

    @BeforeAll
    void salesforceIsRunning() {
        awaitRunning(SF);
    }

    @AfterAll
    void stopSalesforce() {
        if (salesforce != null) {
            salesforce.close();
        }
    }

    // --- helpers

    private List<Call> caseUpserts(String text) {
        return salesforce.calls().stream().filter(c -> c.method().equals("PATCH")
                && c.path().startsWith(SalesforceApiFake.CASE_UPSERT)
                && c.body().path("Description").asText().contains(text)).toList();
    }

    /** Posts the opening message and waits for its Case; returns the hub conversation id. */
    private String openCase(String thread, String text) {
        assertThat(postToChannel("m-" + thread + "-1", thread, text).statusCode()).isEqualTo(200);
        Poll.until(ARRIVAL, "a Case for " + thread, () -> caseUpserts(text).stream().anyMatch(c -> !c.fault() && c.status() / 100 == 2));
        Call upsert = caseUpserts(text).get(0);
        String conversationId = upsert.path().substring(SalesforceApiFake.CASE_UPSERT.length());
        Poll.until(ARRIVAL, "conversation " + conversationId + " knows its Case", () ->
                ("500-" + conversationId).equals(Json.text(conversation(conversationId), "/deskTickets/" + SF)));
        return conversationId;
    }

    private List<Call> contactUpserts(String lastName) {
        return salesforce.calls().stream().filter(c -> c.method().equals("PATCH")
                && c.path().startsWith(SalesforceApiFake.DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/")
                && c.body().path("LastName").asText().equals(lastName)).toList();
    }

    private JsonNode conversation(String id) {
        return hub.http().adminJson("/api/conversations/" + id);
    }

    private List<Call> comments(String text) {
        return salesforce.calls().stream().filter(c -> c.method().equals("POST")
                && c.path().equals(SalesforceApiFake.DATA + "/sobjects/CaseComment")
                && c.body().path("CommentBody").asText().contains(text)).toList();
    }

    private HttpResponse<String> hint(String caseId) {
        String body = Json.write(Json.object().put("caseId", caseId).put("sentAt", Instant.now().toString()));
        return hub.http().post("/hooks/" + SF, body, Signatures.HEADER, Signatures.sign(HINT_SECRET, body));
    }

    // --- tests

    @Test
    void newConversationUpsertsContactAndCaseByExternalIds() {
        String conversationId = openCase("sf-new", "My parcel sf-new never arrived");

        List<Call> contact = contactUpserts("sf-new");
        assertThat(contact).as("contact upserts").hasSize(1);
        assertThat(contact.get(0).body().has("Email")).as("no address for Salesforce to mail").isFalse();
        assertThat(contact.get(0).body().path("LastName").asText()).isEqualTo("sf-new");
        Call upsert = caseUpserts("My parcel sf-new never arrived").get(0);
        assertThat(upsert.body().path("Subject").asText()).isEqualTo("My parcel sf-new never arrived");
        assertThat(upsert.body().path("Priority").asText()).isEqualTo("Medium");
        assertThat(upsert.body().path("Origin").asText()).isEqualTo("webhook-channel");
        assertThat(upsert.body().path("Status").asText()).isEqualTo("New");
        assertThat(upsert.body().path("ContactId").asText()).isEqualTo("003-" + contact.get(0).path()
                .substring(contact.get(0).path().lastIndexOf('/') + 1));
        assertThat(salesforce.calls()).filteredOn(c -> c.path().equals("/services/oauth2/token")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
        assertThat(conversation(conversationId).path("status").asText()).isEqualTo("OPEN");
    }

    @Test
    void followUpBecomesCommentOnTheSameCase() {
        String conversationId = openCase("sf-follow", "First message sf-follow");
        assertThat(postToChannel("m-sf-follow-2", "sf-follow", "Second message sf-follow").statusCode()).isEqualTo(200);

        Poll.until(ARRIVAL, "a comment for the follow-up", () -> !comments("Second message sf-follow").isEmpty());
        Call comment = comments("Second message sf-follow").get(0);
        assertThat(comment.body().path("ParentId").asText()).isEqualTo("500-" + conversationId);
        assertThat(comment.body().path("IsPublished").asBoolean()).isTrue();
        assertThat(caseUpserts("sf-follow")).as("no second case").hasSize(1);
    }

    @Test
    void attachmentIsUploadedAsContentVersionLinkedToTheCase() throws Exception {
        byte[] bytes = ("receipt for sf-file " + Instant.now()).getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        seedStoredAttachment(sha, bytes);
        ObjectNode message = Messages.inboundNode("m-sf-file-1", "sf-file", "Receipt sf-file attached");
        message.putArray("attachments").addObject().put("fileName", "receipt.txt").put("mediaType", "text/plain")
                .put("size", bytes.length).put("sha256", sha).put("location", "attachment:" + sha);
        assertThat(postToChannel(Json.write(message)).statusCode()).isEqualTo(200);

        Poll.until(ARRIVAL, "a ContentVersion upload", () -> salesforce.calls().stream().anyMatch(c ->
                c.path().equals(SalesforceApiFake.DATA + "/sobjects/ContentVersion")
                        && c.body().path("PathOnClient").asText().equals("receipt.txt")));
        Call upload = salesforce.calls().stream().filter(c ->
                c.path().equals(SalesforceApiFake.DATA + "/sobjects/ContentVersion")
                        && c.body().path("PathOnClient").asText().equals("receipt.txt")).findFirst().orElseThrow();
        String caseId = caseUpserts("Receipt sf-file attached").get(0).path();
        caseId = "500-" + caseId.substring(SalesforceApiFake.CASE_UPSERT.length());
        assertThat(upload.body().path("FirstPublishLocationId").asText()).isEqualTo(caseId);
        assertThat(Base64.getDecoder().decode(upload.body().path("VersionData").asText())).isEqualTo(bytes);
    }

    /** Files the hub stored (e.g. from a channel that downloads media) live under dataDir/attachments/xx/sha. */
    private void seedStoredAttachment(String sha, byte[] bytes) throws IOException {
        Path file = hub.workDir().resolve("data").resolve("attachments").resolve(sha.substring(0, 2)).resolve(sha);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Test
    void lostAnswerAfterTheCaseWasCommittedStillMakesOneCase() {
        salesforce.loseFirstCaseAnswer("Lost answer sf-lost");
        assertThat(postToChannel("m-sf-lost-1", "sf-lost", "Lost answer sf-lost").statusCode()).isEqualTo(200);

        Poll.until(ARRIVAL, "the retried upsert succeeded", () ->
                caseUpserts("Lost answer sf-lost").stream().anyMatch(c -> !c.fault() && c.status() == 200));
        List<Call> upserts = caseUpserts("Lost answer sf-lost");
        assertThat(upserts).extracting(Call::fault).containsExactly(true, false);
        assertThat(upserts).extracting(Call::path).as("both attempts name the same external id").containsOnly(
                upserts.get(0).path());
        String conversationId = upserts.get(0).path().substring(SalesforceApiFake.CASE_UPSERT.length());
        Poll.until(ARRIVAL, "the conversation knows its case", () ->
                ("500-" + conversationId).equals(Json.text(conversation(conversationId), "/deskTickets/" + SF)));
        assertThat(salesforce.calls()).filteredOn(c -> c.path().equals(SalesforceApiFake.DATA + "/sobjects/Case"))
                .as("never a plain create").isEmpty();
    }

    @Test
    void rateLimitedCommentIsRetriedAfterRetryAfter() {
        openCase("sf-busy", "Opening sf-busy");
        salesforce.rateLimitFirstComment("Busy follow-up sf-busy", 1);
        assertThat(postToChannel("m-sf-busy-2", "sf-busy", "Busy follow-up sf-busy").statusCode()).isEqualTo(200);

        Poll.until(ARRIVAL, "the comment went through after the 429", () ->
                comments("Busy follow-up sf-busy").stream().anyMatch(c -> !c.fault() && c.status() == 201));
        List<Call> attempts = comments("Busy follow-up sf-busy");
        assertThat(attempts).extracting(Call::status).containsExactly(429, 201);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).as("Retry-After: 1 was honoured")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void signedHintBringsAgentsReplyToTheChannelButNotInternalNotes() {
        String conversationId = openCase("sf-reply", "Where is sf-reply?");
        String caseId = "500-" + conversationId;
        salesforce.agentComment(caseId, conversationId, "00aREPLY1", "It ships tomorrow (sf-reply)", true, "005ALICE");
        salesforce.agentComment(caseId, conversationId, "00aNOTE1", "internal only sf-reply", false, "005ALICE");
        salesforce.agentComment(caseId, conversationId, "00aOWN1", "hub's own sf-reply post", true,
                SalesforceApiFake.INTEGRATION_USER);

        HttpResponse<String> answer = hint(caseId);
        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(200);

        Poll.until(ARRIVAL, "the agent's reply reached the channel", () -> callbacksFor("sf-reply").stream()
                .anyMatch(r -> r.text("/text").contains("It ships tomorrow (sf-reply)")));
        awaitQuiet(channel, Duration.ofMillis(700));
        List<ReceivedRequest> sent = callbacksFor("sf-reply");
        assertThat(sent).extracting(r -> r.text("/text")).containsExactly("It ships tomorrow (sf-reply)");
        assertThat(sent.get(0).text("/author/displayName")).isEqualTo("Alice Agent");

        // A second hint re-reads the same comments: the hub dedupes them by comment id.
        assertThat(hint(caseId).statusCode()).isEqualTo(200);
        awaitQuiet(channel, Duration.ofMillis(700));
        assertThat(callbacksFor("sf-reply")).hasSize(1);
    }

    @Test
    void agentsReplyReachesTheCustomerOnceAndSalesforceIsGivenNothingToMail() {
        String conversationId = openCase("sf-once", "Where is sf-once?");
        assertThat(postToChannel("m-sf-once-2", "sf-once", "Any news sf-once?").statusCode()).isEqualTo(200);
        Poll.until(ARRIVAL, "the follow-up comment", () -> !comments("Any news sf-once?").isEmpty());
        String caseId = "500-" + conversationId;
        salesforce.agentComment(caseId, conversationId, "00aONCE1", "On its way (sf-once)", true, "005ALICE");

        assertThat(hint(caseId).statusCode()).isEqualTo(200);
        Poll.until(ARRIVAL, "the agent's reply reached the channel", () -> !callbacksFor("sf-once").isEmpty());
        assertThat(hint(caseId).statusCode()).isEqualTo(200);
        awaitQuiet(channel, Duration.ofMillis(700));

        assertThat(callbacksFor("sf-once")).extracting(r -> r.text("/text")).containsExactly("On its way (sf-once)");
        // Salesforce mails a Case's contact only at the contact's Email and when a comment asks for it.
        assertThat(contactUpserts("sf-once")).isNotEmpty().allSatisfy(c -> assertThat(c.body().has("Email")).isFalse());
        assertThat(comments("sf-once")).isNotEmpty().allSatisfy(c ->
                assertThat(c.body().path("IsNotificationSelected").isBoolean()
                        && !c.body().path("IsNotificationSelected").asBoolean()).isTrue());
    }

    @Test
    void wrongOrMissingSignatureIsRejectedAndNothingIsPolled() {
        long queriesBefore = queryCount();
        String body = Json.write(Json.object().put("caseId", "500-x").put("sentAt", Instant.now().toString()));

        HttpResponse<String> wrong = hub.http().post("/hooks/" + SF, body, Signatures.HEADER,
                Signatures.sign("not-the-secret", body));
        HttpResponse<String> missing = hub.http().post("/hooks/" + SF, body);

        assertThat(wrong.statusCode()).as(describe(wrong)).isIn(401, 403);
        assertThat(missing.statusCode()).as(describe(missing)).isIn(401, 403);
        assertThat(queryCount()).as("no poll for a rejected hint").isEqualTo(queriesBefore);
    }

    private long queryCount() {
        return salesforce.calls().stream().filter(c -> c.path().equals(SalesforceApiFake.QUERY)
                && c.query().contains("WHERE Parent.")).count();
    }

    @Test
    void closedCaseResolvesTheConversation() {
        String conversationId = openCase("sf-solved", "Please close sf-solved");
        salesforce.closeCase("500-" + conversationId, conversationId);

        assertThat(hint("500-" + conversationId).statusCode()).isEqualTo(200);

        Poll.until(ARRIVAL, "conversation " + conversationId + " is RESOLVED",
                () -> conversation(conversationId).path("status").asText().equals("RESOLVED"));
    }
}
