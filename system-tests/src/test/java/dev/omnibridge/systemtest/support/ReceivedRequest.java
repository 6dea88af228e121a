package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** One request a WireMock server received from the hub, with its JSON body parsed. */
public record ReceivedRequest(ServeEvent event, JsonNode body) {

    /** Everything {@code server} received, oldest first (WireMock's journal lists the newest first). */
    public static List<ReceivedRequest> all(WireMockServer server) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events.stream().map(e -> new ReceivedRequest(e, parse(e))).toList();
    }

    private static JsonNode parse(ServeEvent event) {
        String body = event.getRequest().getBodyAsString();
        return body == null || body.isBlank() ? Json.object() : Json.parse(body);
    }

    /** Text at a JSON pointer of the body, null when missing or null. */
    public String text(String pointer) {
        return Json.text(body, pointer);
    }

    public String header(String name) {
        return event.getRequest().getHeader(name);
    }

    public String idempotencyKey() {
        return header("Idempotency-Key");
    }

    public boolean signedWith(String secret) {
        return Signatures.isValid(secret, event.getRequest().getBody(), header(Signatures.HEADER));
    }

    public Instant receivedAt() {
        return event.getRequest().getLoggedDate().toInstant();
    }

    /** The id of the stub that answered, or null when none matched. */
    public UUID stubId() {
        return event.getStubMapping() == null ? null : event.getStubMapping().getId();
    }

    // Desk events (omnibridge.desk-event/v1).

    public String threadKey() {
        return text("/conversation/threadKey");
    }

    public String conversationId() {
        return text("/conversation/id");
    }

    public String channelMessageId() {
        return text("/message/channelMessageId");
    }

    public String ticketRef() {
        return text("/ticketRef");
    }
}
