package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * What conditions are tested against while one message is triaged: the message, the priority and tags the rules
 * fired so far gave it, the unanswered count, and the instant calendars are asked about. The normalised text for
 * keywords is made once, on first use.
 */
final class Facts {
    final Message message;
    final int unanswered;
    final Instant at;
    /** Lower case, or null: unknown. */
    final String language;
    Priority priority;
    Set<String> tags;
    private String normalized;
    private String plain;

    Facts(Message message, int unanswered, Instant at) {
        this.message = message;
        this.unanswered = unanswered;
        this.at = at;
        this.language = message.language() == null || message.language().isBlank() ? null
                : message.language().strip().toLowerCase(Locale.ROOT);
        this.priority = message.priority();
        this.tags = message.tags();
    }

    /** Subject and text, in the form keywords match in (see {@link TextNormalizer}). */
    String normalizedText() {
        if (normalized == null) {
            normalized = TextNormalizer.normalize(plainText());
        }
        return normalized;
    }

    /** Subject and text as written, for regular expressions. */
    String plainText() {
        if (plain == null) {
            String subject = message.subject();
            String all = subject == null || subject.isEmpty() ? message.text() : subject + "\n" + message.text();
            plain = all.length() > TextNormalizer.MAX_CHARS ? all.substring(0, TextNormalizer.MAX_CHARS) : all;
        }
        return plain;
    }

    /** Whether the message's language is {@code tag}: the same tag or its primary language ({@code de-AT} is de). */
    boolean inLanguage(String tag) {
        if (language == null) {
            return false;
        }
        return language.equals(tag) || language.length() > tag.length() && language.startsWith(tag)
                && (language.charAt(tag.length()) == '-' || language.charAt(tag.length()) == '_');
    }
}
