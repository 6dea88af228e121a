package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Signatures;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** What the webhook endpoint refuses, with which status, and that a refusal stores nothing. */
class WebhookRejectionTest extends SystemTestBase {
    private static final int MAX_BODY_BYTES = 4096;

    @Override
    protected HubConfig config() {
        return standardConfig().maxBodyBytes(MAX_BODY_BYTES);
    }

    @Test
    void unsignedOrWronglySignedWebhooksAreRejectedWith401AndNothingIsStored() {
        String body = Messages.inbound("unsigned-1", "rejections", "hello");

        assertRejected(hub.http().post("/hooks/" + WEB, body), 401);
        assertRejected(hub.http().post("/hooks/" + WEB, body, Signatures.HEADER, Signatures.sign("not-the-secret", body)), 401);
        assertRejected(hub.http().post("/hooks/" + WEB, body, Signatures.HEADER, "sha256=" + "0".repeat(64)), 401);

        var stored = hub.http().adminJson("/api/messages?limit=100");
        assertThat(stored.path("messages").isArray()).as(stored.toString()).isTrue();
        assertThat(stored.path("messages")).as(stored.toString()).isEmpty();
        assertThat(desk.getAllServeEvents()).isEmpty();
    }

    @Test
    void malformedJsonIsRejectedWith400NamingTheProblem() {
        HttpResponse<String> response = postToChannel("{\"channelMessageId\": \"broken-1\", \"threadKey\": ");
        assertRejected(response, 400);
        assertThat(Json.parse(response.body()).path("error").asText()).containsIgnoringCase("JSON");
    }

    @Test
    void messageWithoutThreadKeyIsRejectedWith400NamingThreadKey() {
        ObjectNode message = Messages.inboundNode("no-thread-1", "ignored", "hello");
        message.remove("threadKey");
        HttpResponse<String> response = postToChannel(Json.write(message));
        assertRejected(response, 400);
        assertThat(Json.parse(response.body()).path("error").asText()).contains("threadKey");
    }

    @Test
    void bodyOverMaxBodyBytesIsRejectedWith413() {
        String body = Messages.inbound("too-big-1", "rejections", "x".repeat(MAX_BODY_BYTES + 1));
        assertThat(postToChannel(body).statusCode()).isEqualTo(413);
    }

    @Test
    void webhookForAnUnknownInstanceIsAnswered404() {
        String body = Messages.inbound("nowhere-1", "rejections", "hello");
        assertThat(hub.http().postSigned("/hooks/no-such-instance", CHANNEL_SECRET, body).statusCode()).isEqualTo(404);
    }

    private static void assertRejected(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(status);
        assertThat(Json.parse(response.body()).path("error").asText()).as(describe(response)).isNotBlank();
    }
}
