package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock in the test JVM standing in for https://graph.facebook.com: the Send API endpoints
 * {@code POST /<version>/<phoneNumberId|pageId|igAccountId>/messages} and the WhatsApp media upload
 * {@code POST /<version>/<phoneNumberId>/media}, answered as Meta answers them.
 */
public final class MetaGraphApiFake implements AutoCloseable {
    public static final String VERSION = "v23.0";

    /** One call the hub made to the Graph API, with its JSON body. */
    public record GraphCall(ServeEvent event, JsonNode body) {
        public String path() {
            return event.getRequest().getUrl();
        }

        public String header(String name) {
            return event.getRequest().getHeader(name);
        }

        public String text(String pointer) {
            return Json.text(body, pointer);
        }

        public int status() {
            return event.getResponse().getStatus();
        }

        /** A multipart upload's part, or null. */
        public com.github.tomakehurst.wiremock.http.Request.Part part(String name) {
            return event.getRequest().getPart(name);
        }

        /** The id Meta answered with: {@code messages[0].id} (WhatsApp) or {@code message_id} (Messenger, Instagram). */
        public String answeredId() {
            JsonNode answer = Json.parse(event.getResponse().getBodyAsString());
            String wamid = Json.text(answer, "/messages/0/id");
            String mediaId = Json.text(answer, "/id");
            return wamid != null ? wamid : mediaId != null ? mediaId : Json.text(answer, "/message_id");
        }
    }

    private final WireMockServer server;

    private MetaGraphApiFake(WireMockServer server) {
        this.server = server;
    }

    public static MetaGraphApiFake start() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(24).templatingEnabled(true));
        server.start();
        return new MetaGraphApiFake(server);
    }

    /** {@code http://127.0.0.1:<port>}: the connector's {@code graphApiBaseUrl}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public static String messagesPath(String accountId) {
        return "/" + VERSION + "/" + accountId + "/messages";
    }

    /** The WhatsApp Cloud API of one business phone number. */
    public void whatsappNumber(String phoneNumberId) {
        server.stubFor(post(urlEqualTo(messagesPath(phoneNumberId))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"{{jsonPath request.body '$.to'}}\","
                        + "\"wa_id\":\"{{jsonPath request.body '$.to'}}\"}],"
                        + "\"messages\":[{\"id\":\"wamid.OUT{{randomValue length=24 type='ALPHANUMERIC'}}\"}]}")
                .withTransformers("response-template")));
    }

    public static String mediaPath(String phoneNumberId) {
        return "/" + VERSION + "/" + phoneNumberId + "/media";
    }

    /** WhatsApp's media upload (multipart {@code file}, {@code type}, {@code messaging_product}) → {@code {"id":…}}. */
    public void whatsappMedia(String phoneNumberId) {
        server.stubFor(post(urlEqualTo(mediaPath(phoneNumberId))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"{{randomValue length=16 type='NUMERIC'}}\"}")
                .withTransformers("response-template")));
    }

    /** The multipart uploads to {@code phoneNumberId}'s media edge, oldest first. */
    public List<GraphCall> mediaUploads(String phoneNumberId) {
        return calls().stream().filter(c -> c.path().equals(mediaPath(phoneNumberId))).toList();
    }

    /** The Send API of a Facebook page or an Instagram professional account. */
    public void sendApi(String accountId) {
        server.stubFor(post(urlEqualTo(messagesPath(accountId))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"recipient_id\":\"{{jsonPath request.body '$.recipient.id'}}\","
                        + "\"message_id\":\"m_{{randomValue length=24 type='ALPHANUMERIC'}}\"}")
                .withTransformers("response-template")));
    }

    /** Every request received, oldest first. */
    public List<GraphCall> calls() {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events.stream().map(e -> {
            String body = e.getRequest().getBodyAsString();
            boolean json = String.valueOf(e.getRequest().getHeader("Content-Type")).startsWith("application/json");
            return new GraphCall(e, !json || body == null || body.isBlank() ? Json.object() : Json.parse(body));
        }).toList();
    }

    /** WhatsApp calls sending to {@code waId}. */
    public List<GraphCall> whatsappCallsTo(String waId) {
        return calls().stream().filter(c -> waId.equals(c.text("/to"))).toList();
    }

    /** Send API calls to {@code recipientId} (Messenger PSID or Instagram-scoped id). */
    public List<GraphCall> sendApiCallsTo(String recipientId) {
        return calls().stream().filter(c -> recipientId.equals(c.text("/recipient/id"))).toList();
    }

    public WireMockServer server() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }
}
