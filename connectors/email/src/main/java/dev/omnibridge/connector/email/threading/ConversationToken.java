package dev.omnibridge.connector.email.threading;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The short reference a conversation is known by in mail: it is the conversation's thread key, and the hub puts
 * it in every outbound subject as {@code [#K7Q2M9XD]} so that a reply whose client dropped the threading headers
 * still finds its conversation. Random rather than sequential, so a customer cannot guess another's token.
 */
public final class ConversationToken {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final Pattern IN_SUBJECT = Pattern.compile("\\[#([A-Z2-7]{8})]");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConversationToken() {
    }

    public static String newToken() {
        char[] token = new char[8];
        for (int i = 0; i < token.length; i++) {
            token[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(token);
    }

    /** The last token in a subject; the last because forwarded subjects carry older tokens first. */
    public static Optional<String> inSubject(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        Matcher m = IN_SUBJECT.matcher(subject);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return Optional.ofNullable(found);
    }

    /** The subject without tokens or reply/forward prefixes: what a conversation is about. */
    public static String baseSubject(String subject) {
        if (subject == null) {
            return "";
        }
        String s = IN_SUBJECT.matcher(subject).replaceAll("").strip();
        String previous;
        do {
            previous = s;
            s = s.replaceFirst("(?i)^(re|aw|sv|fw|fwd|wg|tr|r|antw)\\s*(\\[\\d+])?\\s*:\\s*", "").strip();
        } while (!s.equals(previous));
        return s;
    }

    public static String tag(String token) {
        return "[#" + token + "]";
    }
}
