package dev.omnibridge.systemtest.support;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The form parameters Twilio POSTs to a messaging webhook: an inbound SMS/MMS and a status callback, with the fields
 * and in the order real Twilio requests carry them.
 */
public final class TwilioWebhooks {
    public static final String API_VERSION = "2010-04-01";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TwilioWebhooks() {
    }

    /** A Twilio SID: two-letter prefix ({@code SM}, {@code MM}, {@code ME}, {@code AC}...) and 32 lower-case hex digits. */
    public static String sid(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /** An inbound SMS from {@code from} to the business number {@code to}, without media. */
    public static Map<String, String> inboundSms(String messageSid, String accountSid, String from, String to, String body) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ToCountry", "US");
        params.put("ToState", "CA");
        params.put("SmsMessageSid", messageSid);
        params.put("NumMedia", "0");
        params.put("ToCity", "SAN FRANCISCO");
        params.put("FromZip", "94105");
        params.put("SmsSid", messageSid);
        params.put("FromState", "CA");
        params.put("SmsStatus", "received");
        params.put("FromCity", "SAN FRANCISCO");
        params.put("Body", body);
        params.put("FromCountry", "US");
        params.put("To", to);
        params.put("ToZip", "94108");
        params.put("NumSegments", "1");
        params.put("MessageSid", messageSid);
        params.put("AccountSid", accountSid);
        params.put("From", from);
        params.put("ApiVersion", API_VERSION);
        return params;
    }

    /** The same with one media item, as Twilio sends an MMS ({@code MediaUrl0}, {@code MediaContentType0}). */
    public static Map<String, String> inboundMms(String messageSid, String accountSid, String from, String to, String body,
                                                 String mediaUrl, String mediaContentType) {
        Map<String, String> params = inboundSms(messageSid, accountSid, from, to, body);
        params.put("NumMedia", "1");
        params.put("MediaContentType0", mediaContentType);
        params.put("MediaUrl0", mediaUrl);
        return params;
    }

    /** A status callback for an outbound message ({@code MessageStatus} queued, sent, delivered, undelivered, failed...). */
    public static Map<String, String> statusCallback(String messageSid, String accountSid, String from, String to,
                                                     String messageStatus, String errorCode) {
        Map<String, String> params = new LinkedHashMap<>();
        if (errorCode != null) {
            params.put("ErrorCode", errorCode);
        }
        params.put("SmsSid", messageSid);
        params.put("SmsStatus", messageStatus);
        params.put("MessageStatus", messageStatus);
        params.put("To", to);
        params.put("MessageSid", messageSid);
        params.put("AccountSid", accountSid);
        params.put("From", from);
        params.put("ApiVersion", API_VERSION);
        return params;
    }
}
