package dev.omnibridge.connector.twilio;

import dev.omnibridge.webhook.WebhookRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds webhook requests as Twilio sends them, signed independently of the code under test. */
final class TwilioRequests {
    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String TOKEN = "s3cr3t-auth-token-0f1e2d3c4b5a6978";

    private TwilioRequests() {
    }

    /** Twilio's algorithm: Base64(HMAC-SHA1(token, url + name1 + value1 + ...)), names sorted, values sorted. */
    static String twilioSignature(String token, String url, List<Map.Entry<String, String>> params) {
        List<Map.Entry<String, String>> sorted = new ArrayList<>(params);
        sorted.sort(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        StringBuilder sb = new StringBuilder(url);
        sorted.forEach(e -> sb.append(e.getKey()).append(e.getValue()));
        return hmacSha1Base64(token, sb.toString());
    }

    static String hmacSha1Base64(String token, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String form(List<Map.Entry<String, String>> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /**
     * A POST as the hub hands it over.
     *
     * @param hubUri    what the hub saw (behind a proxy, not what Twilio called)
     * @param signature the X-Twilio-Signature value, or null for none
     */
    static WebhookRequest post(String subPath, String hubUri, byte[] body, String signature, String contentType) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(contentType));
        if (signature != null) {
            headers.put("X-Twilio-Signature", List.of(signature));
        }
        return new WebhookRequest("POST", subPath, URI.create(hubUri), headers, Map.of(), body, "10.0.0.7");
    }

    /** A form POST signed for {@code signedUrl} (Twilio's view) and received at {@code hubUri} (the hub's view). */
    static WebhookRequest signedForm(String subPath, String signedUrl, String hubUri, String token,
                                     List<Map.Entry<String, String>> params) {
        return post(subPath, hubUri, form(params).getBytes(StandardCharsets.UTF_8),
                twilioSignature(token, signedUrl, params), "application/x-www-form-urlencoded");
    }

    /** An inbound SMS as Twilio documents its webhook parameters. */
    static List<Map.Entry<String, String>> sms(String sid, String from, String to, String body) {
        List<Map.Entry<String, String>> p = new ArrayList<>();
        p.add(Map.entry("ToCountry", "US"));
        p.add(Map.entry("ToState", "CA"));
        p.add(Map.entry("SmsMessageSid", sid));
        p.add(Map.entry("NumMedia", "0"));
        p.add(Map.entry("ToCity", "SAN FRANCISCO"));
        p.add(Map.entry("FromZip", "94105"));
        p.add(Map.entry("SmsSid", sid));
        p.add(Map.entry("FromState", "CA"));
        p.add(Map.entry("SmsStatus", "received"));
        p.add(Map.entry("FromCity", "SAN FRANCISCO"));
        p.add(Map.entry("Body", body));
        p.add(Map.entry("FromCountry", "US"));
        p.add(Map.entry("To", to));
        p.add(Map.entry("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"));
        p.add(Map.entry("ToZip", "94105"));
        p.add(Map.entry("NumSegments", "1"));
        p.add(Map.entry("MessageSid", sid));
        p.add(Map.entry("AccountSid", ACCOUNT_SID));
        p.add(Map.entry("From", from));
        p.add(Map.entry("ApiVersion", "2010-04-01"));
        return p;
    }

    static List<Map.Entry<String, String>> with(List<Map.Entry<String, String>> params, String name, String value) {
        List<Map.Entry<String, String>> copy = new ArrayList<>(params);
        copy.removeIf(e -> e.getKey().equals(name));
        copy.add(Map.entry(name, value));
        return copy;
    }

}
