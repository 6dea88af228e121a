package dev.omnibridge.webhook;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookRequestTest {

    private static WebhookRequest request(Map<String, List<String>> headers) {
        return new WebhookRequest("POST", null, URI.create("/hooks/web"), headers,
                Map.of("hub.challenge", List.of("abc", "def")), null, "127.0.0.1");
    }

    @Test
    void headerLookupIgnoresCase() {
        WebhookRequest r = request(Map.of("X-Omnibridge-Signature", List.of("sha256=00"),
                "content-type", List.of("application/json")));

        assertThat(r.header("x-omnibridge-signature")).contains("sha256=00");
        assertThat(r.header("X-OMNIBRIDGE-SIGNATURE")).contains("sha256=00");
        assertThat(r.header("Content-Type")).contains("application/json");
        assertThat(r.headers().get("CONTENT-TYPE")).containsExactly("application/json");
        assertThat(r.header("Idempotency-Key")).isEmpty();
    }

    @Test
    void headersDifferingOnlyInCaseAreMerged() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Tag", List.of("a"));
        headers.put("x-tag", List.of("b", "c"));

        WebhookRequest r = request(headers);

        assertThat(r.headers().get("X-TAG")).containsExactly("a", "b", "c");
        assertThat(r.header("x-Tag")).contains("a");
    }

    @Test
    void missingPartsBecomeEmpty() {
        WebhookRequest r = new WebhookRequest("GET", null, URI.create("/hooks/web"), null, null, null, null);

        assertThat(r.body()).isEmpty();
        assertThat(r.subPath()).isEmpty();
        assertThat(r.headers()).isEmpty();
        assertThat(r.header("anything")).isEmpty();
        assertThat(r.queryParam("anything")).isEmpty();
    }

    @Test
    void queryParamGivesTheFirstValue() {
        assertThat(request(Map.of()).queryParam("hub.challenge")).contains("abc");
    }
}
