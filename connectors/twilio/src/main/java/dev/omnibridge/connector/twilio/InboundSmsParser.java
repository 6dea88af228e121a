package dev.omnibridge.connector.twilio;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one verified inbound-message webhook (SMS, MMS, WhatsApp through Twilio) into one canonical INBOUND message:
 * {@code channelMessageId} is the MessageSid (Twilio retries, the hub dedupes on it), the thread key is the raw
 * pair {@code From|To} (a customer talking to one business number is one conversation), and the author is the
 * customer's E.164 number. Opt-out keywords also become {@link AddressStatus} changes.
 */
final class InboundSmsParser {
    static final String WHATSAPP_PREFIX = "whatsapp:";
    /** Twilio accepts at most 10 media per message; more in a webhook is not Twilio's doing. */
    static final int MAX_MEDIA = 10;
    static final String OPTED_OUT_REASON = "opted out with STOP";

    private final ChannelRef channel;
    private final MediaFetcher media;

    /** Keys of a retry job's source. */
    private static final String MEDIA_INDEX = "index";
    private static final String MEDIA_URL = "url";
    private static final String MEDIA_TYPE = "type";

    /** A background retry of a media item the webhook could not fetch (see {@link FileRetries}). */
    Attachment again(FileRetries.Job job) throws FileRetries.Failed {
        Map<String, String> source = job.source();
        int index;
        try {
            index = Integer.parseInt(source.getOrDefault(MEDIA_INDEX, ""));
        } catch (NumberFormatException e) {
            throw new FileRetries.Failed("the saved retry is unusable", false);
        }
        MediaFetcher.Result result = media.fetch(index, source.getOrDefault(MEDIA_URL, ""),
                source.getOrDefault(MEDIA_TYPE, "").isEmpty() ? null : source.get(MEDIA_TYPE));
        if (result.attachment() == null) {
            throw new FileRetries.Failed(result.problem(), result.retryable());
        }
        return result.attachment();
    }

    InboundSmsParser(ChannelRef channel, MediaFetcher media) {
        this.channel = channel;
        this.media = media;
    }

    Inbound parse(FormParams p, Instant receivedAt) {
        return parse(p, receivedAt, false, new ArrayList<>());
    }

    /**
     * @param retries whether a media item that failed for a passing reason is fetched again later
     * @param pending receives those items, to save and schedule with {@link FileRetries}
     */
    Inbound parse(FormParams p, Instant receivedAt, boolean retries, List<FileRetries.Job> pending) {
        String sid = require(p, "MessageSid", "SmsMessageSid", "SmsSid");
        String from = require(p, "From");
        String to = require(p, "To");
        String body = p.first("Body").orElse("");
        boolean whatsapp = isWhatsApp(from);
        Address customer = address(from);

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("sms.to", to);
        p.firstOf("NumSegments").ifPresent(v -> metadata.put("sms.numSegments", v));
        p.firstOf("NumMedia").ifPresent(v -> metadata.put("sms.numMedia", v));
        p.firstOf("MessagingServiceSid").ifPresent(v -> metadata.put("sms.messagingServiceSid", v));
        p.firstOf("FromCountry").ifPresent(v -> metadata.put("sms.fromCountry", v));
        p.firstOf("WaId").ifPresent(v -> metadata.put("sms.waId", v));
        p.firstOf("ReferralBody").ifPresent(v -> metadata.put("sms.referralBody", v));
        p.firstOf("OriginalRepliedMessageSid").ifPresent(v -> metadata.put("sms.repliedMessageSid", v));

        List<AddressStatus> statuses = new ArrayList<>();
        Keywords keyword = Keywords.of(body, p.first("OptOutType").orElse(null)).orElse(null);
        if (keyword != null) {
            metadata.put("sms.keyword", keyword.name());
            switch (keyword) {
                case STOP -> statuses.add(AddressStatus.optedOut(customer, OPTED_OUT_REASON));
                case START -> statuses.add(AddressStatus.optedIn(customer));
                case HELP -> { }
            }
        }

        StringBuilder text = new StringBuilder(body);
        List<Attachment> attachments = new ArrayList<>();
        int numMedia = numMedia(p);
        for (int i = 0; i < numMedia; i++) {
            String url = p.first("MediaUrl" + i).orElse(null);
            MediaFetcher.Result result;
            if (i >= MAX_MEDIA) {
                result = MediaFetcher.Result.failed("more than " + MAX_MEDIA + " media");
            } else if (url == null || url.isBlank()) {
                result = MediaFetcher.Result.failed("no MediaUrl" + i);
            } else {
                result = media.fetch(i, url, p.first("MediaContentType" + i).orElse(null));
            }
            if (result.attachment() != null) {
                attachments.add(result.attachment());
            } else {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                if (result.retryable() && retries) {
                    String type = p.first("MediaContentType" + i).orElse("");
                    pending.add(FileRetries.Job.of(sid, i + 1, "attachment " + i,
                            Map.of(MEDIA_INDEX, String.valueOf(i), MEDIA_URL, url, MEDIA_TYPE, type),
                            from + "|" + to, p.firstOf("ProfileName").orElse(null), customer));
                    text.append(FileRetries.pendingNote("attachment " + i, result.problem()));
                } else {
                    text.append("[attachment ").append(i).append(" not fetched: ").append(result.problem())
                            .append(']');
                }
            }
        }

        Message message = Message.builder()
                .direction(Direction.INBOUND)
                .channel(channel)
                .channelMessageId(sid)
                .threadKey(from + "|" + to)
                .author(Author.customer(p.firstOf("ProfileName").orElse(null), customer))
                .text(text.toString())
                .attachments(attachments)
                .receivedAt(receivedAt)
                .tags(Set.of(whatsapp ? "whatsapp" : "sms"))
                .metadata(metadata)
                .build();
        return Inbound.messages(List.of(message)).withAddressStatuses(statuses);
    }

    /**
     * The customer's address: the E.164 number without a channel prefix such as {@code whatsapp:}. Senders that are
     * not phone numbers (alphanumeric sender ids, other Twilio channels) keep their raw value as a chat user id.
     */
    static Address address(String raw) {
        String value = raw.strip();
        int colon = value.indexOf(':');
        String number = colon >= 0 ? value.substring(colon + 1) : value;
        try {
            return Address.phone(number);
        } catch (IllegalArgumentException notE164) {
            return Address.chatUser(value);
        }
    }

    private static int numMedia(FormParams p) {
        String raw = p.first("NumMedia").orElse("0").strip();
        try {
            return Math.max(0, Math.min(Integer.parseInt(raw), 100));
        } catch (NumberFormatException e) {
            throw WebhookRejectedException.badRequest("parameter NumMedia must be a number");
        }
    }

    private static String require(FormParams p, String... names) {
        return p.firstOf(names).map(String::strip).orElseThrow(() ->
                WebhookRejectedException.badRequest("missing parameter " + names[0]));
    }

    static boolean isWhatsApp(String raw) {
        return raw != null && raw.toLowerCase(Locale.ROOT).startsWith(WHATSAPP_PREFIX);
    }
}
