package dev.omnibridge.webhook;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacSignaturesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hmacSha256HexMatchesRfc4231TestCase2() {
        assertThat(HmacSignatures.hmacSha256Hex("Jefe", utf8("what do ya want for nothing?")))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void hmacSha1Base64MatchesTwiliosDocumentedExample() {
        String url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        Map<String, String> params = new TreeMap<>(Map.of(
                "CallSid", "CA1234567890ABCDE",
                "Caller", "+12349013030",
                "Digits", "1234",
                "From", "+12349013030",
                "To", "+18005551212"));
        StringBuilder signed = new StringBuilder(url);
        params.forEach((name, value) -> signed.append(name).append(value));

        assertThat(HmacSignatures.hmacBase64("HmacSHA1", "12345", utf8(signed.toString())))
                .isEqualTo("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    }

    @Test
    void partsAreSignedAsIfConcatenated() {
        byte[] whole = HmacSignatures.hmac("HmacSHA256", "k", utf8("v0:1700000000:{\"a\":1}"));
        byte[] parts = HmacSignatures.hmac("HmacSHA256", "k", utf8("v0:"), utf8("1700000000:"), utf8("{\"a\":1}"));

        assertThat(parts).isEqualTo(whole);
    }

    @Test
    void signatureIsOverRawBytesNotDecodedText() {
        byte[] nfc = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] nfd = "cafe\u0301".getBytes(StandardCharsets.UTF_8);

        assertThat(HmacSignatures.hmacSha256Hex("k", nfc)).isNotEqualTo(HmacSignatures.hmacSha256Hex("k", nfd));
        assertThat(HmacSignatures.hmacSha256Hex("k", nfc)).matches("[0-9a-f]{64}");
    }

    @Test
    void aThreadThatSwitchesSecretsOrAlgorithmsSignsEachCallWithItsOwnKey() throws Exception {
        byte[] body = utf8("{\"event\":\"message.created\"}");
        String[] secrets = {"first-secret", "second-secret", "first-secret", "first-secret-longer", "f"};
        for (String secret : secrets) {
            assertThat(HmacSignatures.hmacSha256Hex(secret, body)).isEqualTo(reference("HmacSHA256", secret, body));
            assertThat(HmacSignatures.hmac("HmacSHA1", secret, body)).isEqualTo(referenceBytes("HmacSHA1", secret, body));
        }
        assertThat(HmacSignatures.hmacSha256Hex("Jefe", utf8("what do ya want for nothing?")))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void concurrentSignersNeverMixBodiesOrKeys() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 500; i++) {
                        String secret = "secret-" + (i % 3);
                        byte[] body = utf8("{\"thread\":" + thread + ",\"n\":" + i + "}");
                        if (!HmacSignatures.hmacSha256Hex(secret, body).equals(reference("HmacSHA256", secret, body))) {
                            throw new AssertionError("wrong signature on thread " + thread + " call " + i);
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** An independent HMAC: a fresh Mac every time. */
    private static byte[] referenceBytes(String algorithm, String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reference(String algorithm, String secret, byte[] body) {
        return HexFormat.of().formatHex(referenceBytes(algorithm, secret, body));
    }

    @Test
    void unknownAlgorithmFails() {
        assertThatThrownBy(() -> HmacSignatures.hmac("HmacNope", "k", new byte[0]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("HmacNope");
    }

    @Test
    void constantTimeEqualsMatchesOnlyEqualNonNullValues() {
        assertThat(HmacSignatures.constantTimeEquals("sha256=abc", "sha256=abc")).isTrue();
        assertThat(HmacSignatures.constantTimeEquals("sha256=abc", "sha256=abd")).isFalse();
        assertThat(HmacSignatures.constantTimeEquals("sha256=abc", "sha256=ab")).isFalse();
        assertThat(HmacSignatures.constantTimeEquals("sha256=abc", "sha256=abcd")).isFalse();
        assertThat(HmacSignatures.constantTimeEquals("sha256=abc", "")).isFalse();
        assertThat(HmacSignatures.constantTimeEquals(null, "sha256=abc")).isFalse();
        assertThat(HmacSignatures.constantTimeEquals("sha256=abc", null)).isFalse();
        assertThat(HmacSignatures.constantTimeEquals(null, null)).isFalse();
        assertThat(HmacSignatures.constantTimeEquals("", "")).isTrue();
    }
}
