package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock server in the test JVM standing in for {@code https://api.twilio.com} (the Messages API of one account)
 * and for Twilio's media host. It answers {@code POST /2010-04-01/Accounts/<sid>/Messages.json} with 201 and a Message
 * resource as Twilio does (a fresh {@code SM...} sid, status {@code queued}, the request's To/From/Body echoed).
 */
public final class TwilioApiFake implements AutoCloseable {
    /** Loopback by address, so {@code mediaHosts} and the SSRF guard of the connector see exactly this host. */
    public static final String HOST = "127.0.0.1";
    private static final String MESSAGE_RESOURCE = "twilio-message-resource";
    /** Twilio's limit for {@code Body}, in UTF-16 code units as Java counts them. */
    public static final int MAX_BODY = 1600;
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);

    /** One call of the Messages API as the fake received it, with the Message resource it answered. */
    public record ApiCall(ServeEvent event, Map<String, String> form) {
        public String path() {
            return event.getRequest().getUrl();
        }

        public String header(String name) {
            return event.getRequest().getHeader(name);
        }

        public String param(String name) {
            return form.get(name);
        }

        public int status() {
            return event.getResponse().getStatus();
        }

        /** The Message resource the fake answered with. */
        public JsonNode resource() {
            return Json.parse(event.getResponse().getBodyAsString());
        }

        /** The {@code sid} of the answered Message resource: what Twilio's status callbacks carry as MessageSid. */
        public String sid() {
            return resource().path("sid").asText();
        }
    }

    private final String accountSid;
    private final WireMockServer server;

    private TwilioApiFake(String accountSid) {
        this.accountSid = accountSid;
        this.server = new WireMockServer(options().dynamicPort().bindAddress(HOST).containerThreads(24)
                .extensions(new MessageResource()));
    }

    /** Starts the fake for {@code accountSid}; the Messages API answers 201 until a test stubs otherwise. */
    public static TwilioApiFake start(String accountSid) {
        TwilioApiFake fake = new TwilioApiFake(accountSid);
        fake.server.start();
        fake.server.stubFor(post(urlEqualTo(fake.messagesPath())).atPriority(10)
                .willReturn(aResponse().withStatus(201).withTransformers(MESSAGE_RESOURCE)));
        return fake;
    }

    /** {@code http://127.0.0.1:<port>}: the connector's {@code apiBaseUrl}. */
    public String baseUrl() {
        return "http://" + HOST + ":" + server.port();
    }

    public String messagesPath() {
        return "/" + TwilioWebhooks.API_VERSION + "/Accounts/" + accountSid + "/Messages.json";
    }

    /** Serves {@code bytes} at {@code path} and returns its absolute URL (what Twilio puts in {@code MediaUrl0}). */
    public String serveMedia(String path, String contentType, byte[] bytes) {
        server.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(bytes)));
        return baseUrl() + path;
    }

    /** Requests for {@code path} (media downloads), oldest first. */
    public List<ServeEvent> requestsFor(String path) {
        return journal().stream().filter(e -> path.equals(e.getRequest().getUrl())).toList();
    }

    /** Every call of the Messages API, oldest first. */
    public List<ApiCall> messageCalls() {
        return journal().stream().filter(e -> e.getRequest().getUrl().equals(messagesPath()))
                .map(e -> new ApiCall(e, TwilioForm.decode(e.getRequest().getBodyAsString()))).toList();
    }

    /** Calls of the Messages API sending to {@code to}, oldest first. */
    public List<ApiCall> messageCallsTo(String to) {
        return messageCalls().stream().filter(c -> to.equals(c.param("To"))).toList();
    }

    public WireMockServer server() {
        return server;
    }

    /** {@code Authorization: Basic base64(user:password)}, as Twilio's API and media URLs expect it. */
    public static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop();
    }

    private List<ServeEvent> journal() {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events;
    }

    /** Builds Twilio's Message resource from the form of the create request. */
    private final class MessageResource implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return MESSAGE_RESOURCE;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Map<String, String> form = TwilioForm.decode(serveEvent.getRequest().getBodyAsString());
            String body = form.getOrDefault("Body", "");
            if (body.length() > MAX_BODY) {
                // As Twilio answers a Body over its limit (https://www.twilio.com/docs/api/errors/21617).
                return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition()).withStatus(400)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(Json.write(Json.object().put("code", 21617)
                                .put("message", "The concatenated message body exceeds the 1600 character limit.")
                                .put("more_info", "https://www.twilio.com/docs/errors/21617").put("status", 400)))
                        .build();
            }
            String sid = TwilioWebhooks.sid("SM");
            String now = RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC));
            String uri = "/" + TwilioWebhooks.API_VERSION + "/Accounts/" + accountSid + "/Messages/" + sid;
            ObjectNode resource = Json.object()
                    .put("account_sid", accountSid)
                    .put("api_version", TwilioWebhooks.API_VERSION)
                    .put("body", form.getOrDefault("Body", ""))
                    .put("date_created", now)
                    .putNull("date_sent")
                    .put("date_updated", now)
                    .put("direction", "outbound-api")
                    .putNull("error_code")
                    .putNull("error_message")
                    .put("from", form.get("From"))
                    .put("messaging_service_sid", form.get("MessagingServiceSid"))
                    .put("num_media", "0")
                    .put("num_segments", "1")
                    .putNull("price")
                    .put("price_unit", "USD")
                    .put("sid", sid)
                    .put("status", "queued")
                    .put("to", form.get("To"))
                    .put("uri", uri + ".json");
            resource.putObject("subresource_uris").put("media", uri + "/Media.json");
            ResponseDefinition stubbed = serveEvent.getResponseDefinition();
            return ResponseDefinitionBuilder.like(stubbed)
                    .withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(Json.write(resource))
                    .build();
        }
    }

    /** Settings of a {@code twilio-sms} instance talking to this fake, whose media host resolves to loopback. */
    public java.util.Map<String, Object> smsSettings(String accountSid, String authToken) {
        java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("accountSid", accountSid);
        settings.put("authToken", authToken);
        settings.put("apiBaseUrl", baseUrl());
        settings.put("mediaHosts", HOST + ":" + server.port());   // a bare host would mean its default port only
        settings.put("allowPrivateMediaAddresses", true);
        return settings;
    }
}
