package dev.omnibridge.examples.line;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

class LinePushTest {
    @RegisterExtension
    static WireMockExtension line = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final LinePush push = new LinePush(URI.create(line.baseUrl()), new Secret("line-access-token-9QmZ"),
            Duration.ofSeconds(2));

    @Test
    void aReplyIsPushedWithTheBearerTokenAndARetryKeyStableAcrossRetries() {
        line.stubFor(post(urlEqualTo(LinePush.PATH)).willReturn(okJson(
                "{\"sentMessages\":[{\"id\":\"461230966842064897\",\"quoteToken\":\"IStG5h1Tz7b\"}]}")));

        assertThat(push.send("U4af49806", "Your order ships today.", "delivery-1")).contains("461230966842064897");
        push.send("U4af49806", "Your order ships today.", "delivery-1");

        line.verify(2, postRequestedFor(urlEqualTo(LinePush.PATH))
                .withHeader("Authorization", equalTo("Bearer line-access-token-9QmZ"))
                .withHeader(LinePush.RETRY_KEY, equalTo(LinePush.retryKey("delivery-1", 0)))
                .withRequestBody(matchingJsonPath("$.to", equalTo("U4af49806")))
                .withRequestBody(matchingJsonPath("$.messages[0].type", equalTo("text")))
                .withRequestBody(matchingJsonPath("$.messages[0].text", equalTo("Your order ships today."))));
    }

    @Test
    void aTextOverLinesLimitIsSentInOrderedPartsFivePerRequest() {
        line.stubFor(post(urlEqualTo(LinePush.PATH)).willReturn(okJson("{\"sentMessages\":[{\"id\":\"1\"}]}")));
        String text = "a".repeat(LinePush.MAX_TEXT * 6 + 10);

        push.send("U4af49806", text, "delivery-2");

        List<LoggedRequest> requests = line.findAll(postRequestedFor(urlEqualTo(LinePush.PATH)));
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).getBodyAsString()).contains("\"text\":\"" + "a".repeat(LinePush.MAX_TEXT) + "\"");
        assertThat(requests.get(0).getHeader(LinePush.RETRY_KEY)).isEqualTo(LinePush.retryKey("delivery-2", 0));
        assertThat(requests.get(1).getHeader(LinePush.RETRY_KEY)).isEqualTo(LinePush.retryKey("delivery-2", 1));
        assertThat(LinePush.parts(text)).hasSize(7).allMatch(p -> p.length() <= LinePush.MAX_TEXT);
        assertThat(String.join("", LinePush.parts(text))).isEqualTo(text);
    }

    @Test
    void a409ForARetryKeyLineAlreadyTookCountsAsSent() {
        line.stubFor(post(urlEqualTo(LinePush.PATH)).willReturn(status(409)));

        assertThat(push.send("U4af49806", "Your order ships today.", "delivery-3")).isEmpty();
    }
}
