package dev.omnibridge.hub.selfservice;

import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Message;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The customer's answer to "Did this answer your question?": a pick of the offered choice ({@link #YES} /
 * {@link #NO} ids, {@link Choices#CHOSEN}), its number where the channel showed the choices as a numbered list
 * ("1" / "2"), or a yes or no in words (en, de, fr, es, nl, it, pt) or emoji.
 *
 * <p>A "yes" must be short (at most {@value #MAX_YES_WORDS} words: "yes thanks", "oui merci"): a longer message
 * that starts with "yes" ("yes but how do I change the address?") is a new question, and the bot must not swallow it
 * as a thank-you. A "no" may be longer ("no, that is not what I asked"): it hands off to a person, who reads it all.
 */
public enum Feedback {
    HELPED, NOT_HELPED;

    /** The ids of the offered choices. */
    public static final String YES = "yes";
    public static final String NO = "no";
    static final int MAX_YES_WORDS = 3;
    static final int MAX_NO_WORDS = 12;

    private static final Set<String> YES_WORDS = Set.of("yes", "y", "yeah", "yep", "yup", "sure", "correct",
            "thanks", "thank", "thx", "great", "perfect", "helpful", "ja", "jawohl", "jap", "jep", "genau", "danke",
            "super", "oui", "ouais", "merci", "parfait", "si", "claro", "gracias", "perfecto", "dank", "bedankt",
            "sim", "obrigado", "obrigada", "grazie", "certo");
    private static final Set<String> NO_WORDS = Set.of("no", "n", "nope", "nah", "not", "nein", "ne", "nee", "nicht",
            "non", "pas", "nao");
    // "thank you", "not really", "pas vraiment", "nicht wirklich" and the like start with one of the words above.
    private static final List<String> NUMBERS = List.of("1", "2");

    /** The feedback the message gives, if it is one. */
    public static Optional<Feedback> of(Message m) {
        String chosen = m.metadata().get(Choices.CHOSEN);
        if (YES.equals(chosen)) {
            return Optional.of(HELPED);
        }
        if (NO.equals(chosen)) {
            return Optional.of(NOT_HELPED);
        }
        return of(m.text());
    }

    static Optional<Feedback> of(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        // "1", "1.", "(1)": the numbered list's answer.
        String digits = trimmed.replaceAll("[\\s.()\\[\\]#:)]", "");
        if (digits.equals(NUMBERS.get(0))) {
            return Optional.of(HELPED);
        }
        if (digits.equals(NUMBERS.get(1))) {
            return Optional.of(NOT_HELPED);
        }
        List<String> words = Words.of(emojiSpaced(trimmed));
        if (words.isEmpty()) {
            return Optional.empty();
        }
        String first = words.get(0);
        if (NO_WORDS.contains(first) && words.size() <= MAX_NO_WORDS) {
            return Optional.of(NOT_HELPED);
        }
        if (YES_WORDS.contains(first) && words.size() <= MAX_YES_WORDS
                && words.stream().noneMatch(w -> NO_WORDS.contains(w) && !w.equals("n"))) {
            return Optional.of(HELPED);
        }
        return Optional.empty();
    }

    /** The thumbs and marks as words of their own (Words keeps only letters and digits). */
    private static String emojiSpaced(String text) {
        return text.replace("👍", " yes ").replace("✅", " yes ").replace("👎", " no ").replace("❌", " no ");
    }
}
