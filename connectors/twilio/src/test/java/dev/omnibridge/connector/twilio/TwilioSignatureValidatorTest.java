package dev.omnibridge.connector.twilio;

import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.connector.twilio.TwilioRequests.form;
import static dev.omnibridge.connector.twilio.TwilioRequests.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TwilioSignatureValidatorTest {
    /** Twilio's documented example (webhooks security guide; shared/reference/webhooks-delivery-security.md). */
    private static final String VECTOR_TOKEN = "12345";
    private static final String VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static final List<Map.Entry<String, String>> VECTOR_PARAMS = List.of(
            Map.entry("CallSid", "CA1234567890ABCDE"),
            Map.entry("Caller", "+12349013030"),
            Map.entry("Digits", "1234"),
            Map.entry("From", "+12349013030"),
            Map.entry("To", "+18005551212"));
    private static final String VECTOR_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    private final TwilioSignatureValidator validator = new TwilioSignatureValidator(VECTOR_TOKEN);

    /** The vector as it reaches the hub: behind a proxy, at another URL, with the query Twilio called. */
    private static WebhookRequest vectorRequest(String signature, List<Map.Entry<String, String>> params) {
        return post("", "http://internal:8080/hooks/sms?foo=1&bar=2", form(params).getBytes(StandardCharsets.UTF_8),
                signature, "application/x-www-form-urlencoded");
    }

    @Test
    void computesTwilioDocumentedTestVector() {
        StringBuilder payload = new StringBuilder(VECTOR_URL);
        VECTOR_PARAMS.forEach(e -> payload.append(e.getKey()).append(e.getValue()));

        assertThat(TwilioSignatureValidator.sign(VECTOR_TOKEN, payload.toString())).isEqualTo(VECTOR_SIGNATURE);
        assertThat(TwilioRequests.twilioSignature(VECTOR_TOKEN, VECTOR_URL, VECTOR_PARAMS)).isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void acceptsTheDocumentedVectorReceivedAsAFormPost() {
        TwilioSignatureValidator.Verified verified = validator.verify(vectorRequest(VECTOR_SIGNATURE, VECTOR_PARAMS),
                "https://mycompany.com/myapp.php");

        assertThat(verified.json()).isFalse();
        assertThat(verified.params().first("Caller")).contains("+12349013030");
    }

    @Test
    void acceptsParametersInAnyOrderOnTheWire() {
        List<Map.Entry<String, String>> shuffled = List.of(VECTOR_PARAMS.get(4), VECTOR_PARAMS.get(2),
                VECTOR_PARAMS.get(0), VECTOR_PARAMS.get(3), VECTOR_PARAMS.get(1));

        validator.verify(vectorRequest(VECTOR_SIGNATURE, shuffled), "https://mycompany.com/myapp.php");
    }

    @Test
    void refusesASignatureWithOneByteChanged() {
        String changed = "1" + VECTOR_SIGNATURE.substring(1);

        WebhookRejectedException e = rejected(vectorRequest(changed, VECTOR_PARAMS), "https://mycompany.com/myapp.php");

        assertThat(e.status()).isEqualTo(403);
        assertThat(e).hasMessage("signature does not match");
    }

    @Test
    void refusesAParameterWithOneByteChanged() {
        List<Map.Entry<String, String>> changed = TwilioRequests.with(VECTOR_PARAMS, "Digits", "1235");

        assertThat(rejected(vectorRequest(VECTOR_SIGNATURE, changed), "https://mycompany.com/myapp.php").status())
                .isEqualTo(403);
    }

    @Test
    void refusesAChangedQueryString() {
        WebhookRequest request = post("", "http://internal:8080/hooks/sms?foo=1&bar=3",
                form(VECTOR_PARAMS).getBytes(StandardCharsets.UTF_8), VECTOR_SIGNATURE,
                "application/x-www-form-urlencoded");

        assertThat(rejected(request, "https://mycompany.com/myapp.php").status()).isEqualTo(403);
    }

    @Test
    void refusesAMissingHeader() {
        WebhookRejectedException e = rejected(vectorRequest(null, VECTOR_PARAMS), "https://mycompany.com/myapp.php");

        assertThat(e.status()).isEqualTo(403);
        assertThat(e).hasMessage("missing X-Twilio-Signature header");
    }

    @Test
    void refusesAnEmptyHeader() {
        assertThat(rejected(vectorRequest("  ", VECTOR_PARAMS), "https://mycompany.com/myapp.php"))
                .hasMessage("missing X-Twilio-Signature header");
    }

    @Test
    void refusesTheRightSignatureForAnotherUrl() {
        // What a connector that signed the URL the hub saw (not the public one) would compute against.
        assertThat(rejected(vectorRequest(VECTOR_SIGNATURE, VECTOR_PARAMS), "http://internal:8080/hooks/sms")
                .status()).isEqualTo(403);
    }

    @Test
    void acceptsAnUnknownExtraParameterThatWasSigned() {
        List<Map.Entry<String, String>> extended = new java.util.ArrayList<>(VECTOR_PARAMS);
        extended.add(Map.entry("BrandNewTwilioField", "some value"));
        String signature = TwilioRequests.twilioSignature(VECTOR_TOKEN, VECTOR_URL, extended);

        TwilioSignatureValidator.Verified verified = validator.verify(vectorRequest(signature, extended),
                "https://mycompany.com/myapp.php");

        assertThat(verified.params().first("BrandNewTwilioField")).contains("some value");
    }

    @Test
    void refusesAnExtraParameterSmuggledInAfterSigning() {
        List<Map.Entry<String, String>> extended = new java.util.ArrayList<>(VECTOR_PARAMS);
        extended.add(Map.entry("Body", "injected"));

        assertThat(rejected(vectorRequest(VECTOR_SIGNATURE, extended), "https://mycompany.com/myapp.php").status())
                .isEqualTo(403);
    }

    @Test
    void signsRepeatedParametersEachWithItsName() {
        List<Map.Entry<String, String>> params = List.of(Map.entry("MessageSid", "SM1"),
                Map.entry("Tag", "b"), Map.entry("Tag", "a"));
        String signature = TwilioRequests.hmacSha1Base64(VECTOR_TOKEN, VECTOR_URL + "MessageSidSM1TagaTagb");

        TwilioSignatureValidator.Verified verified = validator.verify(vectorRequest(signature, params),
                "https://mycompany.com/myapp.php");

        assertThat(verified.params().grouped().get("Tag")).containsExactly("b", "a");
    }

    @Test
    void acceptsTheUrlWithOrWithoutTheDefaultPort() {
        String signature = TwilioRequests.twilioSignature(VECTOR_TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                VECTOR_PARAMS);

        validator.verify(vectorRequest(signature, VECTOR_PARAMS), "https://mycompany.com/myapp.php");
    }

    @Test
    void acceptsTheJsonVariantWithBodySha256() throws Exception {
        byte[] body = "{\"MessageSid\":\"SM123\",\"Body\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        String signedUrl = "https://public.example.com/hooks/sms?bodySHA256=" + hash;
        WebhookRequest request = post("", "http://internal:8080/hooks/sms?bodySHA256=" + hash, body,
                TwilioRequests.hmacSha1Base64(VECTOR_TOKEN, signedUrl), "application/json");

        TwilioSignatureValidator.Verified verified = validator.verify(request, "https://public.example.com/hooks/sms");

        assertThat(verified.json()).isTrue();
        assertThat(verified.params().first("MessageSid")).contains("SM123");
    }

    @Test
    void refusesAJsonBodyThatDoesNotMatchItsSignedHash() throws Exception {
        byte[] body = "{\"MessageSid\":\"SM123\",\"Body\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        String signedUrl = "https://public.example.com/hooks/sms?bodySHA256=" + hash;
        byte[] tampered = "{\"MessageSid\":\"SM123\",\"Body\":\"ho\"}".getBytes(StandardCharsets.UTF_8);
        WebhookRequest request = post("", "http://internal:8080/hooks/sms?bodySHA256=" + hash, tampered,
                TwilioRequests.hmacSha1Base64(VECTOR_TOKEN, signedUrl), "application/json");

        WebhookRejectedException e = rejected(request, "https://public.example.com/hooks/sms");

        assertThat(e.status()).isEqualTo(403);
        assertThat(e).hasMessage("body does not match the signed bodySHA256");
    }

    @Test
    void refusesAJsonVariantWhoseUrlSignatureIsWrong() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        WebhookRequest request = post("", "http://internal:8080/hooks/sms?bodySHA256=" + hash, body,
                TwilioRequests.hmacSha1Base64("wrong-token", "https://public.example.com/hooks/sms?bodySHA256=" + hash),
                "application/json");

        assertThat(rejected(request, "https://public.example.com/hooks/sms")).hasMessage("signature does not match");
    }

    @Test
    void neverNamesTheTokenInARejection() {
        TwilioSignatureValidator strict = new TwilioSignatureValidator(TwilioRequests.TOKEN);

        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class, () ->
                strict.verify(vectorRequest(VECTOR_SIGNATURE, VECTOR_PARAMS), "https://mycompany.com/myapp.php"));

        assertThat(e.getMessage()).doesNotContain(TwilioRequests.TOKEN);
    }

    private WebhookRejectedException rejected(WebhookRequest request, String signedUrl) {
        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class,
                () -> validator.verify(request, signedUrl));
        assertThat(e).as("rejection").isNotNull();
        assertThat(e.getMessage()).doesNotContain(VECTOR_TOKEN);
        return e;
    }
}
