package dev.omnibridge.hub.delivery;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.SentParts;
import dev.omnibridge.text.TextParts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where an outbound message meets what its channel can carry ({@link ChannelCapabilities}): the
 * connector is asked to send only what the channel takes. In order:
 * <ol>
 *   <li>reply options ({@link Choices}) beyond the channel's buttons, or with a label longer than it shows, are
 *       numbered into the text (never a partial set: the customer answers with the number);</li>
 *   <li>HTML is dropped where the channel renders none, its text taken when the message has no plain text;</li>
 *   <li>files the channel does not take (type, size, or where they are) leave the message and are named in its text:
 *       as a link when they are at an http(s) URL; when they are in the hub's storage, as a signed link that expires
 *       ({@link StoredFileLinks}, issue 24) or, where the hub has no public address ({@code hub.publicUrl} unset),
 *       as "[attachment not sent: name]";</li>
 *   <li>a text over the channel's limit is split in order into parts within it ({@link TextParts}): each part is one
 *       {@link dev.omnibridge.spi.ChannelConnector#send} call, the first answering the message replied to, the last
 *       carrying the buttons and the files.</li>
 * </ol>
 * The stored message is unchanged: desks, the console and a replay to another channel still see it whole.
 *
 * <p>Exactly once per part: a message of several parts sends part {@code n} under the idempotency key
 * {@code <key>-p<n>} and records each accepted part in the journal ({@link SentParts}, keyed by the delivery's
 * key), so a retry, even after a restart, goes on with the first part the channel has not accepted. A message that
 * fits is sent as it is, under the delivery's own key, without touching the journal.
 */
public final class OutboundAdapter {
    /** One {@code send} call to the channel instance. */
    @FunctionalInterface
    public interface PartSender {
        String send(OutboundMessage part);
    }

    /** The progress of a reply of several parts ({@link SentParts#resume}); null where nothing records it. */
    @FunctionalInterface
    public interface PartLog {
        SentParts resume(String idempotencyKey, int total);
    }

    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>|</(p|div|li|tr|h[1-6]|blockquote|pre)>");
    private static final Pattern TAG = Pattern.compile("(?s)<!--.*?-->|<(script|style)\\b.*?</\\1\\s*>|<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);");
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", "\u00a0");

    private OutboundAdapter() {
    }

    /**
     * Fits {@code outbound} to the channel and sends it, part by part, skipping the parts an earlier attempt got
     * accepted. Returns the channel's id of the first part: the id the reply is known by.
     *
     * @throws DeliveryException as the channel failed; once a part is out, a failure says how many were sent and is
     *                           never "customer unreachable" (another channel would repeat what the customer has)
     */
    public static String send(OutboundMessage outbound, ChannelCapabilities capabilities, PartSender sender,
                              PartLog log) {
        return send(outbound, capabilities, StoredFileLinks.NONE, sender, log);
    }

    /** As {@link #send(OutboundMessage, ChannelCapabilities, PartSender, PartLog)}, stored files as {@code links}. */
    public static String send(OutboundMessage outbound, ChannelCapabilities capabilities, StoredFileLinks links,
                              PartSender sender, PartLog log) {
        List<OutboundMessage> parts = adapt(outbound, capabilities, links);
        if (parts.size() == 1) {
            return sender.send(parts.get(0));
        }
        SentParts progress = log == null ? null : log.resume(outbound.idempotencyKey(), parts.size());
        String firstId = progress == null ? null : progress.firstId();
        for (int i = progress == null ? 0 : progress.sent(); i < parts.size(); i++) {
            String id;
            try {
                id = sender.send(parts.get(i));
            } catch (DeliveryException e) {
                if (i == 0) {
                    throw e;
                }
                String done = i == 1 ? "part 1 was sent" : "parts 1-" + i + " were sent";
                throw new DeliveryException(e.kind(), "part " + (i + 1) + " of " + parts.size() + " (" + done
                        + "): " + e.getMessage(), e.retryAfter().orElse(null), e, e.concernsOneRecord());
            }
            if (progress != null) {
                progress.accepted(id);
            } else if (firstId == null) {
                firstId = id;
            }
        }
        return progress == null ? firstId : progress.firstId();
    }

    /**
     * What the channel is asked to send for {@code outbound}, in order: one message when it fits, else the parts.
     *
     * @throws DeliveryException permanent when the text needs more parts than the channel allows
     */
    public static List<OutboundMessage> adapt(OutboundMessage outbound, ChannelCapabilities capabilities) {
        return adapt(outbound, capabilities, StoredFileLinks.NONE);
    }

    /** As {@link #adapt(OutboundMessage, ChannelCapabilities)}, stored files the channel cannot carry as links. */
    public static List<OutboundMessage> adapt(OutboundMessage outbound, ChannelCapabilities capabilities,
                                              StoredFileLinks links) {
        Message fitted = fit(outbound.message(), capabilities, links);
        boolean buttons = fitted.metadata().containsKey(Choices.OFFERED);
        int max = buttons && capabilities.maxTextWithButtons() > 0 ? capabilities.maxTextWithButtons()
                : capabilities.maxTextLength();
        if (max == 0 || capabilities.textUnit().length(fitted.text()) <= max) {
            return List.of(fitted == outbound.message() ? outbound
                    : new OutboundMessage(fitted, outbound.conversation(), outbound.idempotencyKey()));
        }
        List<String> texts = TextParts.split(fitted.text(), max, capabilities.textUnit().cost());
        if (capabilities.maxParts() > 0 && texts.size() > capabilities.maxParts()) {
            throw DeliveryException.permanent("not sent: the reply's text needs " + texts.size() + " messages of at "
                    + "most " + max + " " + unit(capabilities.textUnit()) + "; the channel takes at most "
                    + capabilities.maxParts());
        }
        Map<String, String> withoutButtons = new HashMap<>(fitted.metadata());
        withoutButtons.remove(Choices.OFFERED);
        List<OutboundMessage> parts = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            boolean first = i == 0;
            boolean last = i == texts.size() - 1;
            // An HTML body cannot be cut in step with the text: the parts go as plain text.
            Message.Builder part = fitted.toBuilder().text(texts.get(i)).html(null);
            if (!first) {
                part.replyTo(null);
            }
            if (!last) {
                part.attachments(List.of()).metadata(withoutButtons);
            }
            parts.add(new OutboundMessage(part.build(), outbound.conversation(),
                    outbound.idempotencyKey() + "-p" + (i + 1)));
        }
        return List.copyOf(parts);
    }

    /** The message with its options, HTML and files fitted to the channel; its text not yet split. */
    static Message fit(Message m, ChannelCapabilities capabilities) {
        return fit(m, capabilities, StoredFileLinks.NONE);
    }

    static Message fit(Message m, ChannelCapabilities capabilities, StoredFileLinks links) {
        Message out = m;
        List<Choice> choices = Choices.of(out);
        if (out.metadata().containsKey(Choices.OFFERED) && !fitButtons(choices, capabilities)) {
            out = Choices.asNumberedText(out);
            if (choices.isEmpty()) {
                // Unreadable options: nothing to number, and nothing a channel could show.
                Map<String, String> metadata = new HashMap<>(out.metadata());
                metadata.remove(Choices.OFFERED);
                out = out.toBuilder().metadata(metadata).build();
            }
        }
        if (out.html() != null && capabilities.richText() != ChannelCapabilities.RichText.HTML) {
            String text = out.text().isBlank() ? flatten(out.html()) : out.text();
            out = out.toBuilder().text(text).html(null).build();
        }
        List<Attachment> kept = new ArrayList<>();
        StringBuilder notes = new StringBuilder();
        for (Attachment a : out.attachments()) {
            if (capabilities.accepts(a)) {
                kept.add(a);
                continue;
            }
            notes.append('\n').append(linkOrNote(a, links));
        }
        if (kept.size() != out.attachments().size()) {
            String text = out.text().strip();
            out = out.toBuilder().attachments(kept)
                    .text(text.isEmpty() ? notes.substring(1) : text + "\n" + notes).build();
        }
        return out;
    }

    private static boolean fitButtons(List<Choice> choices, ChannelCapabilities capabilities) {
        if (choices.isEmpty() || choices.size() > capabilities.maxButtons()) {
            return false;
        }
        int maxLabel = capabilities.maxButtonLabelLength();
        return maxLabel == 0 || choices.stream().allMatch(c -> c.title() != null
                && c.title().strip().codePointCount(0, c.title().strip().length()) <= maxLabel);
    }

    /**
     * A file the channel does not take, as a line of text: its public URL when it has one, a signed link to the
     * stored file when the hub makes them; otherwise there is no address a customer could open (the attachment API
     * needs a console login), so the line says it was not sent.
     */
    static String linkOrNote(Attachment a, StoredFileLinks links) {
        String scheme = a.location().getScheme() == null ? "" : a.location().getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || scheme.equals("http")) {
            return a.fileName() + ": " + a.location();
        }
        if (scheme.equals("attachment")) {
            var link = links.linkFor(a);
            if (link.isPresent()) {
                return a.fileName() + ": " + link.get();
            }
        }
        return "[attachment not sent: " + a.fileName() + "]";
    }

    /**
     * HTML as plain text: line breaks at {@code <br>} and block ends, tags, comments, scripts and styles dropped,
     * entities decoded, runs of blank lines folded. Enough for a desk's formatted reply on a text-only channel.
     */
    static String flatten(String html) {
        String text = BREAK.matcher(html).replaceAll("\n");
        text = TAG.matcher(text).replaceAll("");
        Matcher e = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (e.find()) {
            e.appendReplacement(out, Matcher.quoteReplacement(entity(e.group(1), e.group())));
        }
        e.appendTail(out);
        return out.toString().replace('\u00a0', ' ').replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n")
                .strip();
    }

    private static String entity(String name, String raw) {
        if (name.startsWith("#")) {
            try {
                int cp = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
                        ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                return Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "";
            } catch (NumberFormatException ex) {
                return raw;
            }
        }
        return NAMED.getOrDefault(name.toLowerCase(Locale.ROOT), raw);
    }

    private static String unit(ChannelCapabilities.TextUnit unit) {
        return switch (unit) {
            case CODE_POINTS -> "characters";
            case UTF16_UNITS -> "UTF-16 units";
            case UTF8_BYTES -> "bytes";
            case SMS_CHARACTERS -> "SMS characters";
        };
    }
}
