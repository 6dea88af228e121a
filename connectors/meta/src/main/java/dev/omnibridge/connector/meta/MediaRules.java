package dev.omnibridge.connector.meta;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which media types each product accepts for outbound messages, as what kind of message, and up to which size, as
 * Meta documents them (see OutboundTest for the reference pages). Anything not listed is refused before any upload,
 * so a file Meta would reject never costs an upload and the agent learns why at once.
 */
final class MediaRules {
    /** How a file travels: the message type / attachment type and Meta's size limit for it. */
    record Rule(String kind, long maxBytes) {
    }

    private static final long KB = 1024;
    private static final long MB = 1024 * KB;

    /** WhatsApp Cloud API "Supported media types". WebP is only accepted as a sticker (animated limit 500 KB). */
    private static final Map<String, Rule> WHATSAPP = Map.ofEntries(
            Map.entry("image/jpeg", new Rule("image", 5 * MB)),
            Map.entry("image/png", new Rule("image", 5 * MB)),
            Map.entry("image/webp", new Rule("sticker", 500 * KB)),
            Map.entry("video/mp4", new Rule("video", 16 * MB)),
            Map.entry("video/3gpp", new Rule("video", 16 * MB)),
            Map.entry("video/3gp", new Rule("video", 16 * MB)),
            Map.entry("audio/aac", new Rule("audio", 16 * MB)),
            Map.entry("audio/amr", new Rule("audio", 16 * MB)),
            Map.entry("audio/mpeg", new Rule("audio", 16 * MB)),
            Map.entry("audio/mp4", new Rule("audio", 16 * MB)),
            Map.entry("audio/ogg", new Rule("audio", 16 * MB)),
            Map.entry("text/plain", new Rule("document", 100 * MB)),
            Map.entry("application/pdf", new Rule("document", 100 * MB)),
            Map.entry("application/msword", new Rule("document", 100 * MB)),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    new Rule("document", 100 * MB)),
            Map.entry("application/vnd.ms-excel", new Rule("document", 100 * MB)),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    new Rule("document", 100 * MB)),
            Map.entry("application/vnd.ms-powerpoint", new Rule("document", 100 * MB)),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    new Rule("document", 100 * MB)));

    /** Instagram messaging "Send a Message" / "Upload Media" tables. */
    private static final Map<String, Rule> INSTAGRAM = Map.ofEntries(
            Map.entry("image/jpeg", new Rule("image", 8 * MB)),
            Map.entry("image/png", new Rule("image", 8 * MB)),
            Map.entry("video/mp4", new Rule("video", 25 * MB)),
            Map.entry("video/ogg", new Rule("video", 25 * MB)),
            Map.entry("video/x-msvideo", new Rule("video", 25 * MB)),
            Map.entry("video/quicktime", new Rule("video", 25 * MB)),
            Map.entry("video/webm", new Rule("video", 25 * MB)),
            Map.entry("audio/aac", new Rule("audio", 25 * MB)),
            Map.entry("audio/mp4", new Rule("audio", 25 * MB)),
            Map.entry("audio/x-m4a", new Rule("audio", 25 * MB)),
            Map.entry("audio/wav", new Rule("audio", 25 * MB)),
            Map.entry("audio/x-wav", new Rule("audio", 25 * MB)),
            Map.entry("application/pdf", new Rule("file", 25 * MB)));

    /** Messenger "Saving assets": image, audio, video and any other file, up to 25 MB. */
    private static final long MESSENGER_MAX = 25 * MB;

    private MediaRules() {
    }

    static Optional<Rule> rule(Product product, String mediaType) {
        String type = normalize(mediaType);
        return switch (product) {
            case WHATSAPP -> Optional.ofNullable(WHATSAPP.get(type));
            case INSTAGRAM -> Optional.ofNullable(INSTAGRAM.get(type));
            case MESSENGER -> Optional.of(new Rule(type.startsWith("image/") ? "image"
                    : type.startsWith("video/") ? "video" : type.startsWith("audio/") ? "audio" : "file",
                    MESSENGER_MAX));
        };
    }

    /**
     * Adds the product's media types to its capabilities, each with the smaller of Meta's limit and {@code cap} (the
     * instance's maxMediaBytes), so the hub sends as a link what Meta would refuse instead of failing the reply.
     */
    static void declare(Product product, long cap, dev.omnibridge.spi.ChannelCapabilities.Builder b) {
        switch (product) {
            case WHATSAPP -> new java.util.TreeMap<>(WHATSAPP).forEach((type, rule) ->
                    b.media(type, Math.min(rule.maxBytes(), cap)));
            case INSTAGRAM -> new java.util.TreeMap<>(INSTAGRAM).forEach((type, rule) ->
                    b.media(type, Math.min(rule.maxBytes(), cap)));
            case MESSENGER -> b.media("*/*", Math.min(MESSENGER_MAX, cap));
        }
    }

    /** {@code Audio/OGG; codecs=opus} → {@code audio/ogg}. */
    static String normalize(String mediaType) {
        int semi = mediaType.indexOf(';');
        return (semi < 0 ? mediaType : mediaType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
