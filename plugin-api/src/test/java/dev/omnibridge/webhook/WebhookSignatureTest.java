package dev.omnibridge.webhook;

import dev.omnibridge.config.Secret;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignatureTest {
    private static final String SECRET = "s3cret-for-signature-tests";
    private static final byte[] BODY = "{\"channelMessageId\":\"m-1\"}".getBytes(StandardCharsets.UTF_8);
    private final WebhookSignature signature = new WebhookSignature(new Secret(SECRET));

    private static WebhookRequest post(byte[] body, String header) {
        return new WebhookRequest("POST", "", URI.create("http://localhost/hooks/web"),
                header == null ? Map.of() : Map.of("x-omnibridge-signature", List.of(header)), Map.of(), body,
                "127.0.0.1");
    }

    @Test
    void signsWithTheHexHmacSha256OfTheBody() {
        assertThat(signature.sign(BODY)).isEqualTo("sha256=" + HmacSignatures.hmacSha256Hex(SECRET, BODY));
    }

    @Test
    void acceptsItsOwnSignatureInEitherLetterCaseAndWithSurroundingSpace() {
        String hex = HmacSignatures.hmacSha256Hex(SECRET, BODY);

        for (String header : List.of("sha256=" + hex, "SHA256=" + hex.toUpperCase(), "  sha256=" + hex + "\t")) {
            assertThatCode(() -> signature.verify(post(BODY, header))).as(header).doesNotThrowAnyException();
        }
    }

    @Test
    void refusesWhatIsNotTheBodysSignature() {
        String hex = HmacSignatures.hmacSha256Hex(SECRET, BODY);
        List<String> wrong = List.of("sha256=" + HmacSignatures.hmacSha256Hex("another-secret", BODY),
                "sha1=" + hex, "sha256=" + hex.substring(2), "sha256=" + hex + "00", hex,
                "sha256=" + hex.substring(0, 62) + "zz", "sha256=" + hex.substring(0, 62) + "\u0660\u0660",
                "sha256\u2550" + hex);

        for (String header : wrong) {
            assertThatThrownBy(() -> signature.verify(post(BODY, header))).as(header)
                    .isInstanceOf(WebhookRejectedException.class).hasMessage("signature does not match")
                    .satisfies(e -> assertThat(((WebhookRejectedException) e).status()).isEqualTo(401));
        }
    }

    @Test
    void refusesARequestWithoutTheHeader() {
        assertThatThrownBy(() -> signature.verify(post(BODY, null))).isInstanceOf(WebhookRejectedException.class)
                .hasMessage("missing X-Omnibridge-Signature header");
        assertThatThrownBy(() -> signature.verify(post(BODY, "   "))).isInstanceOf(WebhookRejectedException.class)
                .hasMessage("missing X-Omnibridge-Signature header");
    }

    @Test
    void checksBodiesOnSeveralThreadsAtOnceEachAgainstItsOwnSignature() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                String header = i % 7 == 0 ? "sha256=" + HmacSignatures.hmacSha256Hex(SECRET, BODY)
                        : "sha256=" + HmacSignatures.hmacSha256Hex(SECRET, body);
                boolean shouldMatch = i % 7 != 0;
                results.add(pool.submit(() -> {
                    try {
                        signature.verify(post(body, header));
                        return shouldMatch;
                    } catch (WebhookRejectedException e) {
                        return !shouldMatch;
                    }
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
