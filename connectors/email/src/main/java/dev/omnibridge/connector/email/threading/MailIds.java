package dev.omnibridge.connector.email.threading;

import dev.omnibridge.text.Identifiers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ids mails are known by, in one place because importing, threading and sending must agree on them.
 *
 * <p>Channel ids of received mail: a Message-ID is only the sender's claim, and two different mails can carry the
 * same one (a mailer with a fixed id, a forged header). The first mail is stored under its Message-ID. A different
 * mail that reuses it is stored under {@link #ofSender}, which {@link Threader} can compute from an answered
 * Message-ID and the replying sender, so replies still find that mail; should the same sender reuse the id again for
 * different content, {@link #ofContent} tells the mails apart.
 *
 * <p>Message-IDs the hub sends name the conversation's token, so that a reply to any of them, acknowledgements
 * included, finds its conversation without a record of what was sent, after a restart and for mail sent by older
 * versions (the forms are unchanged). Forging one gains nothing: the token only counts for the conversation's own
 * customer, the same check a token in the subject gets, so no signature is needed.
 */
public final class MailIds {
    /** The metadata key under which a received mail's own Message-ID is stored, whatever its channel id. */
    public static final String METADATA_KEY = "email.messageId";
    private static final Pattern ACKNOWLEDGEMENT = Pattern.compile("ack\\.([A-Z2-7]{8})\\.[0-9a-f]+@[^@]+");
    private static final Pattern REPLY = Pattern.compile("ob\\.[^@]+\\.([A-Z2-7]{8})@[^@]+");
    private static final int KEY_HEX = 12;
    /**
     * Longest Message-ID used as it is in a channel id. The hub's dedupe key holds 500 characters and derived ids add
     * up to 26; a longer id (legal, and a cheap way to jam a mailbox whose store refuses it) is shortened.
     */
    private static final int MAX_PLAIN = 400;
    private static final int KEPT_PREFIX = 300;

    private MailIds() {
    }

    /** The channel id of the first mail with this Message-ID: the Message-ID, or a fixed shortening of a long one. */
    public static String of(String messageId) {
        // The shared scheme with the parameters stored ids were made with: changing them would re-import old mail.
        return Identifiers.shortened(messageId, MAX_PLAIN, KEPT_PREFIX);
    }

    /** The channel id of a mail from {@code sender} whose Message-ID another mail was stored under first. */
    public static String ofSender(String messageId, String sender) {
        // A hash rather than the address: channel ids show in logs and in /api/skipped.
        return of(messageId) + "#" + hex(sha256("sender\n" + sender + "\n" + messageId), KEY_HEX);
    }

    /** The channel id of a further different mail from the same sender with the same Message-ID. */
    public static String ofContent(String messageId, String sender, String contentDigest) {
        return ofSender(messageId, sender) + "." + contentDigest.substring(0, KEY_HEX);
    }

    /** The Message-ID of an agent's reply: fixed by the hub's message id, so a retried delivery is the same mail. */
    public static String reply(String hubMessageId, String token, String domain) {
        return "ob." + hubMessageId + "." + token + "@" + domain;
    }

    /** The Message-ID of an acknowledgement; the random part keeps it unique. */
    public static String acknowledgement(String token, String randomHex, String domain) {
        return "ack." + token + "." + randomHex + "@" + domain;
    }

    /** The conversation token a Message-ID in one of the hub's forms names, if it is one. */
    public static Optional<String> hubToken(String messageId) {
        return replyToken(messageId).or(() -> token(ACKNOWLEDGEMENT, messageId));
    }

    /** The token a Message-ID in the form of an agent's reply names (also a reply handed off from a chat). */
    public static Optional<String> replyToken(String messageId) {
        return token(REPLY, messageId);
    }

    private static Optional<String> token(Pattern form, String messageId) {
        Matcher m = form.matcher(messageId);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String hex(byte[] bytes, int length) {
        return HexFormat.of().formatHex(bytes).substring(0, length);
    }
}
