package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.MetaGraphApiFake;
import dev.omnibridge.systemtest.support.MetaWebhooks;
import dev.omnibridge.systemtest.support.MetaWebhooks.WaText;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.TwilioHubClient;
import dev.omnibridge.systemtest.support.TwilioWebhooks;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, done-means 1, in the packaged hub: the same person writes by WhatsApp ({@value #WA}, Meta's wa_id
 * {@value #WA_ID}, no plus), SMS ({@value #SMS}, Twilio's {@code From} {@value #PHONE}), email ({@value #MAIL} on
 * GreenMail) and the website chat ({@value #CHAT}, an email the site signed for its logged-in visitor), and ends up as
 * one contact: one phone number seen on two channels, one email address seen on two channels. The number and the
 * email are joined on verified evidence only: an agent added the email to the customer's user in Zendesk, and the
 * connector reports what the desk holds for its requester. Every ticket at the WireMock Zendesk
 * ({@link ZendeskApiFake}) has the one requester made by the one create_or_update, and the console's contact page
 * ({@code GET /api/contacts/{id}}) shows the four conversations in one timeline. A weak match (same name, same email
 * domain) is only proposed; it joins when an agent accepts, and a split undoes the join.
 */
class OneCustomerAcrossChannelsTest extends SystemTestBase {
    private static final String SMS = "sms";
    private static final String WA = "wa";
    private static final String MAIL = "mail";
    private static final String CHAT = "chat";
    private static final String ZD = "zd";
    private static final String ZD_EMAIL = "bridge@acme.test";
    private static final String ZD_TOKEN = "zd-identity-api-token-0123456789";
    private static final String ZD_SIGNING_SECRET = "zd-identity-signing-secret-0123456789ab";
    private static final String ACCOUNT_SID = "AC11112222333344445555666677778888";
    private static final String AUTH_TOKEN = "9e107d9d372bb6826bd81d3542a419d6";
    private static final String BUSINESS_NUMBER = "+14155550100";
    private static final String APP_SECRET = "identity-meta-app-secret-0123456789";
    private static final String WABA_ID = "102290129340398";
    private static final String PHONE_NUMBER_ID = "106540352242955";
    private static final String DISPLAY_PHONE = "15550783881";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-identity-tests-0123456789";
    private static final String IDENTITY_SECRET = "site-identity-secret-for-one-customer-0123456789";
    /** The customer: one mobile number, written by Twilio in E.164 and by WhatsApp as a bare wa_id. */
    private static final String PHONE = "+4915123456789";
    private static final String WA_ID = "4915123456789";
    private static final String ANN = "ann@customer.test";
    private static final String NAME = "Ann Example";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, ANN);

    private ZendeskApiFake zendesk;
    private TwilioApiFake twilio;
    private MetaGraphApiFake graph;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        zendesk = ZendeskApiFake.start(ZD_EMAIL, ZD_TOKEN);
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        graph = MetaGraphApiFake.start();
        graph.whatsappNumber(PHONE_NUMBER_ID);
        HubProcess started = startHubWith("twilio", "meta", "email", "webchat", "zendesk");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> sms = new LinkedHashMap<>(twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN));
        sms.put("timeout", "5s");
        Map<String, Object> wa = new LinkedHashMap<>();
        wa.put("appSecret", APP_SECRET);
        wa.put("verifyToken", "verify-identity-4711");
        wa.put("accessToken", "EAAGm0PX4ZCpsBAidentity-access-token");
        wa.put("graphApiBaseUrl", graph.baseUrl());
        wa.put("phoneNumberId", PHONE_NUMBER_ID);
        wa.put("timeout", "5s");
        return quickRetryConfig()
                .instance(ZD, "zendesk", zendesk.instanceSettings(ZD_SIGNING_SECRET))
                .instance(SMS, "twilio-sms", sms)
                .instance(WA, "whatsapp", wa)
                .instance(MAIL, "email", MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD))
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "identitySecret", IDENTITY_SECRET))
                .route(SMS, ZD)
                .route(WA, ZD)
                .route(MAIL, ZD)
                .route(CHAT, ZD);
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(ZD, SMS, WA, MAIL, CHAT);
    }

    @AfterAll
    void stopFakes() {
        for (AutoCloseable fake : new AutoCloseable[] {zendesk, twilio, graph}) {
            try {
                if (fake != null) {
                    fake.close();
                }
            } catch (Exception ignored) {
                // the next fake still stops
            }
        }
    }

    @Test
    void fourChannelsOfOnePersonAreOneContactWithOneZendeskRequesterAndOneTimeline() throws Exception {
        // WhatsApp first: the contact is made (named after the WhatsApp profile) and Zendesk gets its requester.
        String waText = "Hello, my order 4711 has not arrived (WhatsApp)";
        accepted(postMeta(Json.write(MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE,
                List.of(new WaText(WA_ID, NAME, MetaWebhooks.wamid(), Instant.now(), waText)), List.of()))));
        String onWhatsApp = awaitConversationOf(WA, PHONE, WAIT);
        ObjectNode first = awaitTicketOf(onWhatsApp);
        long requester = first.path("requester_id").asLong();
        String contact = contactOf(onWhatsApp);

        // SMS from the same number, as Twilio writes it: the same address, so the same contact and requester.
        String smsText = "Any news on order 4711? (SMS)";
        accepted(twilioHooks.postSigned("/hooks/" + SMS, AUTH_TOKEN, twilioHooks.defaultWebhookUrl(SMS),
                TwilioWebhooks.inboundSms(TwilioWebhooks.sid("SM"), ACCOUNT_SID, PHONE, BUSINESS_NUMBER, smsText)));
        String onSms = awaitConversationOf(SMS, PHONE, WAIT);
        assertThat(contactOf(onSms)).isEqualTo(contact);

        // An agent adds the customer's email address to the Zendesk user; the ticket's next webhook re-reads the
        // comments with their users, and the connector reports the requester's addresses: verified evidence.
        zendesk.user(requester).put("email", ANN);
        accepted(zendeskWebhook(first, "open"));
        Poll.until(WAIT, "the contact has the email address the desk reported", () ->
                addresses(contactPage(contact)).contains("EMAIL:" + ANN));

        // The customer emails from that address, then chats on the website while logged in (site-signed email).
        String mailText = "I also sent the details by email.";
        Mailer client = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        client.send(CustomerMail.from(NAME, ANN).to(SUPPORT).subject("Order 4711").text(mailText)
                .build(client.session()));
        String onMail = awaitConversationOf(MAIL, ANN, WAIT);
        String chatText = "Chatting from your shop now (webchat)";
        String token = hub.http().widgetSession(CHAT, "{\"name\":\"" + NAME + "\",\"userEmail\":\"" + ANN
                + "\",\"userHash\":\"" + hmacHex(IDENTITY_SECRET, ANN) + "\"}");
        HttpResponse<String> chat = hub.http().widget(CHAT, "POST", "messages", token,
                "{\"clientId\":\"one-customer-1\",\"text\":\"" + chatText + "\"}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        String onChat = awaitConversationOf(CHAT, ANN, WAIT);

        List<String> conversations = List.of(onWhatsApp, onSms, onMail, onChat);
        for (String conversation : conversations) {
            assertThat(contactOf(conversation)).as("contact of conversation %s", conversation).isEqualTo(contact);
            ObjectNode ticket = awaitTicketOf(conversation);
            assertThat(ticket.path("requester_id").asLong()).as("requester of the ticket of %s", conversation)
                    .isEqualTo(requester);
        }
        assertThat(zendesk.requests("POST", "/api/v2/users/create_or_update"))
                .as("one Zendesk requester made for the one customer").isEqualTo(1);
        assertThat(zendesk.user(requester).path("external_id").asText()).isEqualTo(contact);

        JsonNode page = contactPage(contact);
        assertThat(page.path("mergedInto").isNull() || page.path("mergedInto").isMissingNode()).isTrue();
        assertThat(addresses(page)).containsExactlyInAnyOrder("PHONE:" + PHONE, "EMAIL:" + ANN);
        assertThat(channelsOf(page, PHONE)).containsExactlyInAnyOrder(WA, SMS);
        assertThat(channelsOf(page, ANN)).containsExactlyInAnyOrder(MAIL, CHAT);
        assertThat(page.path("links")).as("the email joined on the desk's verified word, not on a guess")
                .anySatisfy(l -> {
                    assertThat(l.path("evidence").asText()).isEqualTo("DESK_REQUESTER");
                    assertThat(l.path("strength").asText()).isEqualTo("VERIFIED");
                });
        assertThat(page.path("proposals")).isEmpty();
        assertThat(strings(page.path("conversations"), "id")).containsExactlyInAnyOrderElementsOf(conversations);
        List<JsonNode> inbound = new ArrayList<>();
        page.path("timeline").forEach(e -> {
            if ("INBOUND".equals(e.path("direction").asText())) {
                inbound.add(e);
            }
        });
        assertThat(inbound.stream().map(e -> e.path("channel").asText()).toList())
                .as("one timeline across the channels, oldest first").containsExactly(WA, SMS, MAIL, CHAT);
        assertThat(inbound.stream().map(e -> e.path("text").asText()).toList())
                .anySatisfy(t -> assertThat(t).contains(waText))
                .anySatisfy(t -> assertThat(t).contains(mailText))
                .anySatisfy(t -> assertThat(t).contains(chatText));
    }

    @Test
    void aSameNameSameDomainMatchIsOnlyProposedJoinsWhenAcceptedAndASplitUndoesIt() throws Exception {
        String bea = "bea@sample.test";
        String beaWork = "bea.sample@sample.test";
        Mailer client = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        client.send(CustomerMail.from("Bea Sample", bea).to(SUPPORT).subject("Warranty").text("Is my kettle covered?")
                .build(client.session()));
        String older = contactOf(awaitConversationOf(MAIL, bea, WAIT));
        client.send(CustomerMail.from("Bea Sample", beaWork).to(SUPPORT).subject("Kettle").text("Writing from work.")
                .build(client.session()));
        String younger = contactOf(awaitConversationOf(MAIL, beaWork, WAIT));
        assertThat(younger).as("weak evidence never joins by itself").isNotEqualTo(older);

        JsonNode proposal = awaitProposal(younger);
        assertThat(proposal.path("otherContactId").asText()).isEqualTo(older);
        assertThat(proposal.path("evidence").asText()).isEqualTo("SAME_NAME_AND_DOMAIN");
        assertThat(addresses(contactPage(older))).containsExactly("EMAIL:" + bea);
        assertThat(addresses(contactPage(younger))).containsExactly("EMAIL:" + beaWork);
        long linkId = proposal.path("linkId").asLong();

        HttpResponse<String> accept = hub.http().adminPost("/api/contacts/links/" + linkId + "/accept", "{}");
        assertThat(accept.statusCode()).as(accept.body()).isEqualTo(200);
        assertThat(contactPage(younger).path("mergedInto").asText()).as("the younger contact joins the older")
                .isEqualTo(older);
        JsonNode joined = contactPage(older);
        assertThat(addresses(joined)).containsExactlyInAnyOrder("EMAIL:" + bea, "EMAIL:" + beaWork);
        assertThat(joined.path("conversations")).hasSize(2);

        HttpResponse<String> split = hub.http().adminPost("/api/contacts/links/" + linkId + "/split", "{}");
        assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
        JsonNode back = contactPage(younger);
        assertThat(back.path("mergedInto").isNull() || back.path("mergedInto").isMissingNode())
                .as("split: the younger contact stands alone again").isTrue();
        assertThat(addresses(back)).containsExactly("EMAIL:" + beaWork);
        assertThat(addresses(contactPage(older))).containsExactly("EMAIL:" + bea);
        assertThat(contactPage(older).path("conversations")).hasSize(1);
    }

    // --- helpers

    private HttpResponse<String> postMeta(String rawBody) {
        return hub.http().post("/hooks/" + WA, rawBody, MetaWebhooks.SIGNATURE_HEADER,
                MetaWebhooks.sign(APP_SECRET, rawBody));
    }

    /** What the ticket trigger sends ({@code {"ticket_id","external_id","status"}}), signed as Zendesk signs. */
    private HttpResponse<String> zendeskWebhook(ObjectNode ticket, String status) throws Exception {
        String body = Json.write(Json.object().put("ticket_id", ticket.path("id").asText())
                .put("external_id", ticket.path("external_id").asText()).put("status", status));
        String timestamp = Instant.now().toString();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ZD_SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((timestamp + body).getBytes(StandardCharsets.UTF_8)));
        return hub.http().post("/hooks/" + ZD, body, "X-Zendesk-Webhook-Signature", signature,
                "X-Zendesk-Webhook-Signature-Timestamp", timestamp);
    }

    /** The Zendesk ticket the hub opened for the conversation (its desk ticket ref at {@value #ZD}). */
    private ObjectNode awaitTicketOf(String conversation) {
        long id = Long.parseLong(awaitDeskTicket(conversation, ZD, WAIT));
        awaitDeskDeliveriesDone(conversation);
        ObjectNode[] found = new ObjectNode[1];
        Poll.until(WAIT, "Zendesk has ticket " + id, () -> {
            found[0] = zendesk.ticket(id);
            return found[0] != null;
        });
        return found[0];
    }

    /** The contact a conversation belongs to now: its own, or the one it was joined into. */
    private String contactOf(String conversation) {
        String id = hub.http().adminJson("/api/conversations/" + conversation).path("contactId").asText();
        JsonNode page = contactPage(id);
        String merged = page.path("mergedInto").asText("");
        return merged.isEmpty() || "null".equals(merged) ? page.path("id").asText() : merged;
    }

    private JsonNode contactPage(String contactId) {
        return hub.http().adminJson("/api/contacts/" + contactId);
    }

    private JsonNode awaitProposal(String contactId) {
        JsonNode[] found = new JsonNode[1];
        Poll.until(WAIT, "a proposal on contact " + contactId, () -> {
            JsonNode proposals = contactPage(contactId).path("proposals");
            found[0] = proposals.isEmpty() ? null : proposals.get(0);
            return found[0] != null;
        });
        return found[0];
    }

    /** The contact page's addresses as {@code KIND:value}. */
    private static List<String> addresses(JsonNode page) {
        return StreamSupport.stream(page.path("addresses").spliterator(), false)
                .map(a -> a.path("kind").asText() + ":" + a.path("value").asText()).toList();
    }

    private static List<String> channelsOf(JsonNode page, String value) {
        for (JsonNode a : page.path("addresses")) {
            if (a.path("value").asText().equals(value)) {
                return StreamSupport.stream(a.path("channels").spliterator(), false).map(JsonNode::asText).toList();
            }
        }
        return List.of();
    }

    private static List<String> strings(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }

    private static String hmacHex(String secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
