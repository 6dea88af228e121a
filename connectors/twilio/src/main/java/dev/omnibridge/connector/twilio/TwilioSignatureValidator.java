package dev.omnibridge.connector.twilio;

import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks {@code X-Twilio-Signature} as Twilio specifies it: Base64(HMAC-SHA1(authToken, url + every POST parameter's
 * name and value, sorted by name)). For JSON bodies Twilio adds {@code bodySHA256=<hex SHA-256 of the body>} to the
 * URL and signs the URL alone; the body is then checked against that hash.
 *
 * <p>The URL is the public one Twilio called ({@link TwilioSettings#signedUrl}), not what the hub saw behind a
 * proxy, with the request's raw query. Every parameter is signed, including ones this connector does not know:
 * Twilio adds parameters over time, and dropping unknown ones would turn every new field into a 403 (lost
 * messages). Comparison is constant-time, on bytes. Rejections name the problem and never the token.
 */
final class TwilioSignatureValidator {
    static final String HEADER = "X-Twilio-Signature";
    static final String BODY_SHA256 = "bodySHA256";

    private final String authToken;

    TwilioSignatureValidator(String authToken) {
        this.authToken = authToken;
    }

    /** What a verified request carries: its parameters (form fields, or a JSON body's fields) and its kind. */
    record Verified(FormParams params, boolean json) {
    }

    /**
     * Verifies the request against the URL Twilio signed.
     *
     * @param signedUrlWithoutQuery the public URL of the hook or sub-path, without query
     * @throws WebhookRejectedException 403 when the signature is missing or does not match
     */
    Verified verify(WebhookRequest request, String signedUrlWithoutQuery) {
        String given = request.header(HEADER).map(String::strip).orElse("");
        if (given.isEmpty()) {
            throw WebhookRejectedException.forbidden("missing " + HEADER + " header");
        }
        byte[] givenBytes = given.getBytes(StandardCharsets.US_ASCII);
        String rawQuery = rawQuery(request.requestUri());
        String url = signedUrlWithoutQuery + (rawQuery == null ? "" : "?" + rawQuery);
        FormParams query = FormParams.parse(rawQuery);
        var bodyHash = query.first(BODY_SHA256);
        if (bodyHash.isPresent()) {
            return verifyJson(request, url, bodyHash.get(), givenBytes);
        }
        FormParams params;
        try {
            params = FormParams.parse(request.body());
        } catch (IllegalArgumentException undecodable) {
            // A body Twilio did not send cannot carry a valid signature; say so without quoting it.
            throw WebhookRejectedException.forbidden("signature does not match (body is not form-encoded)");
        }
        for (String candidate : urlVariants(url)) {
            for (String payload : formPayloads(candidate, params)) {
                if (matches(payload, givenBytes)) {
                    return new Verified(params, false);
                }
            }
        }
        throw WebhookRejectedException.forbidden("signature does not match");
    }

    private Verified verifyJson(WebhookRequest request, String url, String bodyHash, byte[] givenBytes) {
        boolean urlSigned = false;
        for (String candidate : urlVariants(url)) {
            if (matches(candidate, givenBytes)) {
                urlSigned = true;
                break;
            }
        }
        if (!urlSigned) {
            throw WebhookRejectedException.forbidden("signature does not match");
        }
        byte[] actual = HexFormat.of().formatHex(sha256(request.body())).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(actual, bodyHash.strip().toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII))) {
            throw WebhookRejectedException.forbidden("body does not match the signed " + BODY_SHA256);
        }
        return new Verified(JsonParams.parse(request.body()), true);
    }

    /** Base64(HMAC-SHA1(token, payload)), for this validator and for tests that sign like Twilio does. */
    static String sign(String authToken, String payload) {
        return HmacSignatures.hmacBase64("HmacSHA1", authToken, payload.getBytes(StandardCharsets.UTF_8));
    }

    private boolean matches(String payload, byte[] givenBytes) {
        byte[] expected = sign(authToken, payload).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, givenBytes);
    }

    /**
     * What Twilio signs for a form body: the URL, then each name followed by its value, names sorted. Twilio's own
     * libraries sort a repeated name's values (and drop identical repeats); the arrival order is accepted too, since
     * every variant still needs the token.
     */
    static Set<String> formPayloads(String url, FormParams params) {
        Map<String, List<String>> byName = new TreeMap<>(params.grouped());
        Set<String> payloads = new LinkedHashSet<>();
        payloads.add(payload(url, byName, Order.SORTED));
        payloads.add(payload(url, byName, Order.SORTED_DISTINCT));
        payloads.add(payload(url, byName, Order.ARRIVAL));
        return payloads;
    }

    private enum Order { SORTED, SORTED_DISTINCT, ARRIVAL }

    private static String payload(String url, Map<String, List<String>> byName, Order order) {
        StringBuilder sb = new StringBuilder(url);
        byName.forEach((name, values) -> {
            List<String> vs = switch (order) {
                case SORTED -> values.stream().sorted().toList();
                case SORTED_DISTINCT -> values.stream().distinct().sorted().toList();
                case ARRIVAL -> values;
            };
            for (String v : vs) {
                sb.append(name).append(v);
            }
        });
        return sb.toString();
    }

    /**
     * The URL as configured, and with the default port added or removed: Twilio's libraries accept both, because
     * what the console shows and what a load balancer forwards do not always agree on {@code :443}.
     */
    static List<String> urlVariants(String url) {
        List<String> variants = new ArrayList<>(2);
        variants.add(url);
        try {
            URI u = URI.create(url);
            int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443
                    : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
            if (defaultPort < 0 || u.getRawAuthority() == null) {
                return variants;
            }
            String authority = u.getRawAuthority();
            String prefix = u.getScheme() + "://";
            String rest = url.substring(prefix.length() + authority.length());
            if (u.getPort() == defaultPort) {
                variants.add(prefix + authority.substring(0, authority.lastIndexOf(':')) + rest);
            } else if (u.getPort() < 0) {
                variants.add(prefix + authority + ":" + defaultPort + rest);
            }
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException notAUri) {
            // verified against the URL as given only
        }
        return variants;
    }

    private static String rawQuery(URI requestUri) {
        return requestUri == null ? null : requestUri.getRawQuery();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
