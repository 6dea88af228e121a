package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.FileNames;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.MessageAnnotation;
import dev.omnibridge.spi.Skipped;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one verified webhook body into one {@link Inbound}: every message, status and reaction of the batch, so
 * that the hub stores all of it before Meta gets its 200.
 */
final class WebhookMapper {
    private static final Set<String> WA_MEDIA = Set.of("image", "audio", "video", "document", "sticker");

    private final Product product;
    private final ChannelRef channel;
    private final MediaDownloads downloads;
    /** Whether a download that failed for a passing reason is tried again later (else it is only noted). */
    private final boolean retries;

    private final List<Message> messages = new ArrayList<>();
    private final List<DeliveryStatus> statuses = new ArrayList<>();
    private final List<MessageAnnotation> annotations = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private final List<FileRetries.Job> pending = new ArrayList<>();

    WebhookMapper(Product product, ChannelRef channel, MediaDownloads downloads, boolean retries) {
        this.product = product;
        this.channel = channel;
        this.downloads = downloads;
        this.retries = retries;
    }

    /** Downloads that failed for a passing reason, to try again once the messages are stored. */
    List<FileRetries.Job> pending() {
        return List.copyOf(pending);
    }

    Inbound map(JsonNode root, Instant now) throws InterruptedException {
        for (JsonNode entry : root.path("entry")) {
            if (product == Product.WHATSAPP) {
                for (JsonNode change : entry.path("changes")) {
                    whatsApp(change.path("value"), now);
                }
            } else {
                for (JsonNode event : entry.path("messaging")) {
                    messaging(event, now);
                }
            }
        }
        return Inbound.builder().messages(messages).skipped(skipped).statuses(statuses).annotations(annotations)
                .build();
    }

    // ------------------------------------------------------------------------------------------------ WhatsApp

    private void whatsApp(JsonNode value, Instant now) throws InterruptedException {
        Map<String, String> names = new HashMap<>();
        for (JsonNode c : value.path("contacts")) {
            String name = c.path("profile").path("name").asText("");
            if (!c.path("wa_id").asText("").isEmpty() && !name.isBlank()) {
                names.put(c.path("wa_id").asText(), name);
            }
        }
        for (JsonNode m : value.path("messages")) {
            whatsAppMessage(m, names, now);
        }
        for (JsonNode s : value.path("statuses")) {
            String id = s.path("id").asText("");
            DeliveryStatus.State state = switch (s.path("status").asText("")) {
                case "sent" -> DeliveryStatus.State.SENT;
                case "delivered" -> DeliveryStatus.State.DELIVERED;
                case "read" -> DeliveryStatus.State.READ;
                case "failed" -> DeliveryStatus.State.FAILED;
                default -> null;
            };
            if (id.isEmpty() || state == null) {
                continue;
            }
            JsonNode err = s.path("errors").path(0);
            String code = err.hasNonNull("code") ? err.get("code").asText() : null;
            String title = err.hasNonNull("title") ? err.get("title").asText() : null;
            statuses.add(new DeliveryStatus(id, state, code, title, seconds(s.path("timestamp"))));
        }
    }

    private void whatsAppMessage(JsonNode m, Map<String, String> names, Instant now)
            throws InterruptedException {
        String id = m.path("id").asText("");
        String from = m.path("from").asText("");
        String type = m.path("type").asText("");
        if (id.isEmpty() || from.isEmpty()) {
            return;
        }
        if (type.equals("reaction")) {
            JsonNode r = m.path("reaction");
            String target = r.path("message_id").asText("");
            String emoji = r.path("emoji").asText("");
            if (!target.isEmpty()) {
                annotations.add(MessageAnnotation.set(target, "reaction." + from, emoji.isEmpty() ? null : emoji));
            }
            return;
        }
        Address address;
        try {
            address = Address.phone("+" + from);
        } catch (IllegalArgumentException e) {
            skipped.add(Skipped.deadLetter(id, "sender wa_id is not a phone number", null));
            return;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("whatsapp.type", type);
        List<Attachment> attachments = new ArrayList<>();
        String text;
        switch (type) {
            case "text" -> text = m.path("text").path("body").asText("");
            case "location" -> {
                JsonNode l = m.path("location");
                StringBuilder b = new StringBuilder("[location ").append(l.path("latitude").asText())
                        .append(", ").append(l.path("longitude").asText());
                for (String f : List.of("name", "address")) {
                    if (!l.path(f).asText("").isBlank()) {
                        b.append(' ').append(l.path(f).asText());
                    }
                }
                text = b.append(']').toString();
            }
            case "contacts" -> {
                List<String> parts = new ArrayList<>();
                for (JsonNode c : m.path("contacts")) {
                    StringBuilder b = new StringBuilder("[contact ")
                            .append(c.path("name").path("formatted_name").asText(""));
                    for (JsonNode p : c.path("phones")) {
                        b.append(' ').append(p.path("phone").asText(""));
                    }
                    parts.add(b.append(']').toString());
                }
                text = String.join("\n", parts);
            }
            case "interactive" -> {
                JsonNode i = m.path("interactive");
                JsonNode reply = i.has("button_reply") ? i.path("button_reply") : i.path("list_reply");
                text = reply.path("title").asText("");
                String picked = reply.path("id").asText("");
                if (!picked.isEmpty()) {
                    meta.put("interactive.id", picked);
                    // A reply button or list row the hub sent comes back with the option's id: a pick.
                    if (picked.length() <= WhatsAppSender.BUTTON_ID_MAX) {
                        meta.put(Choices.CHOSEN, picked);
                    }
                }
                if (!reply.path("description").asText("").isEmpty()) {
                    text = text + "\n" + reply.path("description").asText();
                }
            }
            case "button" -> {
                text = m.path("button").path("text").asText("");
                if (!m.path("button").path("payload").asText("").isEmpty()) {
                    meta.put("button.payload", m.path("button").path("payload").asText());
                }
            }
            default -> {
                if (!WA_MEDIA.contains(type)) {
                    skipped.add(Skipped.ignored(id, "unsupported WhatsApp message type '" + type + "'", null));
                    return;
                }
                JsonNode media = m.path(type);
                StringBuilder b = new StringBuilder(media.path("caption").asText(""));
                String note = whatsAppMedia(id, type, media, attachments, from, names.get(from), address);
                if (note != null) {
                    b.append(b.length() == 0 ? "" : "\n").append(note);
                }
                text = b.toString();
            }
        }
        String replyTo = m.path("context").path("id").asText("");
        if (m.path("context").path("forwarded").asBoolean(false)) {
            meta.put("whatsapp.forwarded", "true");
        }
        messages.add(Message.builder().direction(Direction.INBOUND).channel(channel).channelMessageId(id)
                .threadKey(from).author(Author.customer(names.get(from), address)).text(text)
                .attachments(attachments).replyTo(replyTo.isEmpty() ? null : replyTo)
                .channelTimestamp(seconds(m.path("timestamp"))).receivedAt(now).metadata(meta).build());
    }

    /** The two-step media fetch: the media id's URL, then the bytes, both with the bearer token. */
    private String whatsAppMedia(String id, String type, JsonNode media, List<Attachment> out, String from,
                                 String name0, Address address) throws InterruptedException {
        String mediaId = media.path("id").asText("");
        String mime = media.path("mime_type").asText("application/octet-stream");
        String given = media.path("filename").asText(null);
        String name = FileNames.sanitize(given, mime);
        if (mediaId.isEmpty() || !mediaId.matches("[0-9A-Za-z_.-]{1,128}")) {
            return "[" + type + " not fetched: no media id]";
        }
        try {
            out.add(downloads.whatsApp(mediaId, given, mime));
            return null;
        } catch (MediaDownloads.Failed f) {
            Map<String, String> source = new LinkedHashMap<>();
            source.put(MediaDownloads.MEDIA_ID, mediaId);
            source.put(MediaDownloads.MIME, mime);
            if (given != null) {
                source.put(MediaDownloads.FILE_NAME, given);
            }
            return failed(type + " " + name, f, FileRetries.Job.of(id, 1, type + " " + name, source, from, name0,
                    address));
        }
    }

    /** The note for a file not in storage; a passing failure is also queued for a retry when retries are on. */
    private String failed(String label, MediaDownloads.Failed f, FileRetries.Job job) {
        if (f.retryable && retries) {
            pending.add(job);
            return FileRetries.pendingNote(label, f.getMessage());
        }
        return "[" + label + (f.tooLarge ? " not fetched: " : " could not be fetched: ") + f.getMessage() + "]";
    }

    // ------------------------------------------------------------------------------------- Messenger/Instagram

    private void messaging(JsonNode event, Instant now) throws InterruptedException {
        String sender = event.path("sender").path("id").asText("");
        if (sender.isEmpty()) {
            return;
        }
        Instant at = millis(event.path("timestamp"));
        if (event.has("message")) {
            JsonNode msg = event.path("message");
            if (msg.path("is_echo").asBoolean(false) || msg.path("is_deleted").asBoolean(false)) {
                return; // the page's own message (sent by us or in the inbox), or an unsend
            }
            String mid = msg.path("mid").asText("");
            if (mid.isEmpty()) {
                return;
            }
            Map<String, String> meta = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder(msg.path("text").asText(""));
            String payload = msg.path("quick_reply").path("payload").asText("");
            if (!payload.isEmpty()) {
                meta.put("quick_reply.payload", payload);
                // A tapped quick reply: its text is the title, its payload the option's id.
                if (payload.length() <= MessagingSender.QUICK_REPLY_PAYLOAD_MAX) {
                    meta.put(Choices.CHOSEN, payload);
                }
            }
            List<Attachment> attachments = new ArrayList<>();
            int index = 0;
            for (JsonNode a : msg.path("attachments")) {
                index++;
                String note = messagingAttachment(a, attachments, mid, index, sender);
                if (note != null) {
                    text.append(text.length() == 0 ? "" : "\n").append(note);
                }
            }
            String replyTo = msg.path("reply_to").path("mid").asText("");
            messages.add(Message.builder().direction(Direction.INBOUND).channel(channel).channelMessageId(mid)
                    .threadKey(sender).author(Author.customer(null, Address.chatUser(sender)))
                    .text(text.toString()).attachments(attachments).replyTo(replyTo.isEmpty() ? null : replyTo)
                    .channelTimestamp(at).receivedAt(now).metadata(meta).build());
        } else if (event.has("postback")) {
            JsonNode pb = event.path("postback");
            String mid = pb.path("mid").asText("");
            if (mid.isEmpty()) {
                mid = "postback:" + sender + ":" + event.path("timestamp").asText("");
            }
            Map<String, String> meta = new LinkedHashMap<>();
            if (!pb.path("payload").asText("").isEmpty()) {
                meta.put("postback.payload", pb.path("payload").asText());
            }
            messages.add(Message.builder().direction(Direction.INBOUND).channel(channel).channelMessageId(mid)
                    .threadKey(sender).author(Author.customer(null, Address.chatUser(sender)))
                    .text(pb.path("title").asText("")).channelTimestamp(at).receivedAt(now).metadata(meta).build());
        } else if (event.has("reaction")) {
            JsonNode r = event.path("reaction");
            String target = r.path("mid").asText("");
            if (!target.isEmpty()) {
                String emoji = r.path("emoji").asText("");
                boolean removed = "unreact".equals(r.path("action").asText()) || emoji.isEmpty();
                annotations.add(MessageAnnotation.set(target, "reaction." + sender, removed ? null : emoji));
            }
        } else if (event.has("delivery")) {
            for (JsonNode mid : event.path("delivery").path("mids")) {
                statuses.add(new DeliveryStatus(mid.asText(), DeliveryStatus.State.DELIVERED, null, null, at));
            }
        } else if (event.has("read")) {
            String mid = event.path("read").path("mid").asText("");
            if (!mid.isEmpty()) {
                statuses.add(new DeliveryStatus(mid, DeliveryStatus.State.READ, null, null, at));
            }
            // Messenger's read carries only a watermark (a time); without a message id there is nothing to mark.
        }
    }

    private String messagingAttachment(JsonNode a, List<Attachment> out, String mid, int index, String sender)
            throws InterruptedException {
        String type = a.path("type").asText("file");
        String url = a.path("payload").path("url").asText("");
        if (url.isEmpty()) {
            String title = a.path("title").asText("");
            return "[" + type + (title.isBlank() ? "" : " " + title) + "]";
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "[" + type + " not fetched: invalid URL]";
        }
        String mime = switch (type) {
            case "image" -> "image/jpeg";
            case "video" -> "video/mp4";
            case "audio" -> "audio/mpeg";
            default -> "application/octet-stream";
        };
        try {
            out.add(downloads.messaging(uri, mime));
            return null;
        } catch (MediaDownloads.Failed f) {
            return failed(type, f, FileRetries.Job.of(mid, index, type, Map.of(MediaDownloads.URL, url,
                    MediaDownloads.MIME, mime), sender, null, Address.chatUser(sender)));
        }
    }

    private static Instant seconds(JsonNode n) {
        String s = n.asText("");
        try {
            return s.isEmpty() ? null : Instant.ofEpochSecond(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant millis(JsonNode n) {
        return n.canConvertToLong() ? Instant.ofEpochMilli(n.asLong()) : null;
    }
}
