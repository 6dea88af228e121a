package dev.omnibridge.hub.survey;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a customer's free-text answer to a survey as a rating, or says it is none. Deliberately strict: an answer is
 * a rating only when every word of it is part of one (a number, "4/5", "4 of 5", stars, a rating emoji, a rating word
 * in English, German, French or Spanish) or harmless filler ("I'd say", "thanks", "very"); anything else ("my order
 * 4711 never arrived", "3 items are missing") is no rating and reaches the desk as a normal message. Short answers
 * only: a long message is a message.
 *
 * <p>CSAT is 1-5: digits 1-5 (or N/5, N of 5, N/10 halved), one to five stars (★, ⭐, *), emoji (😀 5 ... 😡 1),
 * words (great 5, good 4, ok 3, bad 2, terrible 1, with "very" / "not" shifting them). NPS is 0-10, digits only.
 */
public final class RatingParser {
    /** Longer answers are messages, not ratings. */
    static final int MAX_LENGTH = 80;
    private static final int MAX_WORDS = 10;

    private static final Pattern SCALED = Pattern.compile(
            "(\\d{1,2})(?:[.,]0)?\\s*(?:/|of|out of|von|sur|de|sobre|auf)\\s*(5|10)\\b");
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}][\\p{L}']*|\\d+|\\*+|\\S");

    /** Rating words (accents removed, lower case) and their 1-5 value. */
    private static final Map<String, Integer> WORDS = Map.ofEntries(
            // English
            Map.entry("excellent", 5), Map.entry("great", 5), Map.entry("amazing", 5), Map.entry("awesome", 5),
            Map.entry("perfect", 5), Map.entry("fantastic", 5), Map.entry("outstanding", 5), Map.entry("superb", 5),
            Map.entry("brilliant", 5), Map.entry("wonderful", 5), Map.entry("love", 5), Map.entry("loved", 5),
            Map.entry("good", 4), Map.entry("nice", 4), Map.entry("helpful", 4), Map.entry("satisfied", 4),
            Map.entry("ok", 3), Map.entry("okay", 3), Map.entry("k", 3), Map.entry("fine", 3),
            Map.entry("alright", 3), Map.entry("average", 3), Map.entry("meh", 3), Map.entry("mediocre", 3),
            Map.entry("bad", 2), Map.entry("poor", 2), Map.entry("disappointing", 2), Map.entry("unhelpful", 2),
            Map.entry("terrible", 1), Map.entry("awful", 1), Map.entry("horrible", 1), Map.entry("worst", 1),
            Map.entry("useless", 1), Map.entry("dreadful", 1),
            // German
            Map.entry("ausgezeichnet", 5), Map.entry("hervorragend", 5), Map.entry("super", 5), Map.entry("toll", 5),
            Map.entry("spitze", 5), Map.entry("perfekt", 5), Map.entry("prima", 5), Map.entry("klasse", 5),
            Map.entry("gut", 4), Map.entry("mittel", 3), Map.entry("naja", 3), Map.entry("schlecht", 2),
            Map.entry("mies", 2), Map.entry("schrecklich", 1), Map.entry("furchtbar", 1),
            Map.entry("katastrophal", 1), Map.entry("miserabel", 1), Map.entry("ungenugend", 1),
            // French
            Map.entry("genial", 5), Map.entry("parfait", 5), Map.entry("top", 5), Map.entry("formidable", 5),
            Map.entry("bien", 4), Map.entry("bon", 4), Map.entry("bonne", 4), Map.entry("correct", 3),
            Map.entry("moyen", 3), Map.entry("bof", 3), Map.entry("mauvais", 2), Map.entry("mal", 2),
            Map.entry("decevant", 2), Map.entry("nul", 1), Map.entry("nulle", 1), Map.entry("mauvaise", 2),
            Map.entry("excellente", 5), Map.entry("correcte", 3), Map.entry("parfaite", 5),
            // Spanish
            Map.entry("excelente", 5), Map.entry("perfecto", 5), Map.entry("estupendo", 5),
            Map.entry("fantastico", 5), Map.entry("bueno", 4), Map.entry("buena", 4), Map.entry("regular", 3),
            Map.entry("normal", 3), Map.entry("malo", 2), Map.entry("mala", 2), Map.entry("pesimo", 1),
            Map.entry("fatal", 1));

    /** Phrases read as one rating before the words are (normalised form). */
    private static final Map<String, Integer> PHRASES = Map.ofEntries(
            Map.entry("so so", 3), Map.entry("not bad", 4), Map.entry("could be better", 2),
            Map.entry("geht so", 3), Map.entry("nicht schlecht", 4), Map.entry("pas mal", 4),
            Map.entry("mas o menos", 3), Map.entry("no esta mal", 4), Map.entry("thumbs up", 4),
            Map.entry("thumbs down", 2));

    /** Emoji (without variation selectors and skin tones) and their 1-5 value. */
    private static final Map<String, Integer> EMOJI = Map.ofEntries(
            Map.entry("😀", 5), Map.entry("😃", 5), Map.entry("😄", 5), Map.entry("😁", 5), Map.entry("😍", 5),
            Map.entry("🤩", 5), Map.entry("🥰", 5), Map.entry("😊", 5), Map.entry("❤", 5), Map.entry("💯", 5),
            Map.entry("🙂", 4), Map.entry("👍", 4), Map.entry("👌", 4),
            Map.entry("😐", 3), Map.entry("😑", 3), Map.entry("😶", 3), Map.entry("🤷", 3),
            Map.entry("🙁", 2), Map.entry("😕", 2), Map.entry("☹", 2), Map.entry("👎", 2), Map.entry("😒", 2),
            Map.entry("😞", 1), Map.entry("😢", 1), Map.entry("😭", 1), Map.entry("😠", 1), Map.entry("😡", 1),
            Map.entry("🤬", 1));

    private static final Set<String> STARS = Set.of("★", "⭐", "🌟");

    /** Make a positive word stronger, a negative one weaker: "very good" 5, "sehr schlecht" 1. */
    private static final Set<String> INTENSIFIERS = Set.of("very", "really", "extremely", "so", "sehr", "tres",
            "muy", "vraiment", "echt", "wirklich", "super");
    private static final Set<String> NEGATIONS = Set.of("not", "nicht", "pas", "no", "ne", "nada");

    /** Words that may stand around a rating without changing it. */
    private static final Set<String> FILLER = Set.copyOf(List.of(
            "i", "i'd", "id", "i'll", "i'm", "would", "will", "say", "give", "giving", "it", "it's", "its", "a",
            "an", "the", "rate", "rating", "my", "is", "was", "that", "this", "pretty", "quite", "just", "maybe",
            "probably", "definitely", "thanks", "thank", "you", "thx", "ty", "much", "overall", "service", "help",
            "support", "experience", "and", "star", "stars", "points", "point", "out", "of", "your", "all", "in",
            "ich", "wurde", "gebe", "sagen", "wurd", "es", "war", "danke", "sterne", "stern", "punkte", "insgesamt",
            "der", "die", "das", "ein", "eine", "von", "fur", "je", "dirais", "donne", "c'etait", "c'est", "etait",
            "merci", "le", "la", "les", "un", "une", "etoiles", "etoile", "sur", "de", "du", "fue", "es", "muchas",
            "gracias", "el", "una", "estrellas", "estrella", "diria", "doy", "sobre", "servicio", "ayuda"));

    private RatingParser() {
    }

    /** A 1-5 rating in a picked option's id ({@code csat-4}, {@code 4}) or, without one, in the text. */
    public static OptionalInt csat(String text, String choiceId) {
        OptionalInt chosen = chosen(choiceId, "csat-", 1, 5);
        return chosen.isPresent() ? chosen : csat(text);
    }

    /** A 0-10 recommendation score in a picked option's id or the text. */
    public static OptionalInt nps(String text, String choiceId) {
        OptionalInt chosen = chosen(choiceId, "nps-", 0, 10);
        return chosen.isPresent() ? chosen : nps(text);
    }

    private static OptionalInt chosen(String id, String prefix, int min, int max) {
        if (id == null || id.isBlank()) {
            return OptionalInt.empty();
        }
        String digits = id.strip().startsWith(prefix) ? id.strip().substring(prefix.length()) : id.strip();
        try {
            int n = Integer.parseInt(digits);
            return n >= min && n <= max ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** A 1-5 rating in a free-text answer; empty when the text is no rating. */
    public static OptionalInt csat(String text) {
        String t = normalised(text);
        if (t == null) {
            return OptionalInt.empty();
        }
        Integer number = null;
        Matcher scaled = SCALED.matcher(t);
        if (scaled.find()) {
            int n = Integer.parseInt(scaled.group(1));
            int scale = Integer.parseInt(scaled.group(2));
            if (n < (scale == 10 ? 0 : 1) || n > scale) {
                return OptionalInt.empty();
            }
            number = scale == 5 ? n : Math.max(1, (int) Math.round(n / 2.0));
            t = (t.substring(0, scaled.start()) + " " + t.substring(scaled.end())).strip();
            if (SCALED.matcher(t).find()) {
                return OptionalInt.empty();
            }
        }
        Integer phrase = null;
        for (Map.Entry<String, Integer> p : PHRASES.entrySet()) {
            Matcher m = Pattern.compile("(?<![\\p{L}])" + Pattern.quote(p.getKey()) + "(?![\\p{L}])").matcher(t);
            if (m.find()) {
                if (phrase != null && !phrase.equals(p.getValue())) {
                    return OptionalInt.empty();
                }
                phrase = p.getValue();
                t = (t.substring(0, m.start()) + " " + t.substring(m.end())).strip();
            }
        }
        List<String> tokens = tokens(t);
        if (tokens.size() > MAX_WORDS) {
            return OptionalInt.empty();
        }
        int stars = 0;
        List<Integer> values = new ArrayList<>();
        if (phrase != null) {
            values.add(phrase);
        }
        boolean intensify = false;
        boolean negate = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            // "super" is a rating on its own and an intensifier before one ("super gut").
            if (INTENSIFIERS.contains(token) && i + 1 < tokens.size() && WORDS.containsKey(tokens.get(i + 1))) {
                intensify = true;
                continue;
            }
            if (token.chars().allMatch(Character::isDigit)) {
                if (number != null) {
                    return OptionalInt.empty();    // two numbers: a date, an order number, not a rating
                }
                int n = Integer.parseInt(token.length() > 3 ? "0" : token);
                if (n < 1 || n > 5) {
                    return OptionalInt.empty();
                }
                number = n;
            } else if (token.chars().allMatch(ch -> ch == '*')) {
                stars += token.length();
            } else if (STARS.contains(token)) {
                stars++;
            } else if (EMOJI.containsKey(token)) {
                values.add(EMOJI.get(token));
            } else if (WORDS.containsKey(token)) {
                int v = WORDS.get(token);
                if (negate) {
                    v = v >= 4 ? 2 : v <= 2 ? 3 : 2;
                } else if (intensify) {
                    v = v >= 4 ? 5 : v <= 2 ? 1 : v;
                }
                values.add(v);
                intensify = false;
                negate = false;
            } else if (INTENSIFIERS.contains(token)) {
                intensify = true;
            } else if (NEGATIONS.contains(token)) {
                negate = true;
            } else if (!FILLER.contains(token) && !isPunctuation(token)) {
                return OptionalInt.empty();
            }
        }
        if (stars > 5) {
            return OptionalInt.empty();
        }
        if (number != null) {
            return OptionalInt.of(number);
        }
        if (stars > 0) {
            return OptionalInt.of(stars);
        }
        if (values.isEmpty()) {
            return OptionalInt.empty();
        }
        // Several words or emoji must agree ("great 😀"); "good bad" is no rating.
        int first = values.get(0);
        return values.stream().allMatch(v -> v == first) ? OptionalInt.of(first) : OptionalInt.empty();
    }

    /** A 0-10 score in a free-text answer ("8", "8/10", "9 out of 10", "I'd say 7"); empty otherwise. */
    public static OptionalInt nps(String text) {
        String t = normalised(text);
        if (t == null) {
            return OptionalInt.empty();
        }
        Integer number = null;
        Matcher scaled = Pattern.compile("(\\d{1,2})\\s*(?:/|of|out of|von|sur|de|sobre|auf)\\s*10\\b").matcher(t);
        if (scaled.find()) {
            number = Integer.parseInt(scaled.group(1));
            t = (t.substring(0, scaled.start()) + " " + t.substring(scaled.end())).strip();
        }
        List<String> tokens = tokens(t);
        if (tokens.size() > MAX_WORDS) {
            return OptionalInt.empty();
        }
        for (String token : tokens) {
            if (token.chars().allMatch(Character::isDigit)) {
                if (number != null) {
                    return OptionalInt.empty();
                }
                number = token.length() > 2 ? -1 : Integer.parseInt(token);
            } else if (!FILLER.contains(token) && !INTENSIFIERS.contains(token) && !isPunctuation(token)) {
                return OptionalInt.empty();
            }
        }
        return number != null && number >= 0 && number <= 10 ? OptionalInt.of(number) : OptionalInt.empty();
    }

    /** Lower case, accents off, curly apostrophes straight, emoji modifiers gone; null when empty or too long. */
    static String normalised(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > MAX_LENGTH) {
            return null;
        }
        t = t.replace('\u2019', '\'').replace('\u2018', '\'').replace("\uFE0F", "").replace("\u200D", "")
                .replaceAll("[\\x{1F3FB}-\\x{1F3FF}]", "");
        t = Normalizer.normalize(t, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        return t.toLowerCase(Locale.ROOT).replace('-', ' ').replaceAll("\\s+", " ").strip();
    }

    private static List<String> tokens(String t) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(t);
        while (m.find()) {
            String token = m.group();
            // "c'etait" stays whole; a quote around a word does not make it unknown.
            out.add(token.length() > 1 && token.endsWith("'") ? token.substring(0, token.length() - 1) : token);
        }
        return out;
    }

    private static boolean isPunctuation(String token) {
        return token.codePoints().allMatch(cp -> !Character.isLetterOrDigit(cp)
                && (Character.getType(cp) == Character.OTHER_PUNCTUATION
                || Character.getType(cp) == Character.DASH_PUNCTUATION
                || Character.getType(cp) == Character.START_PUNCTUATION
                || Character.getType(cp) == Character.END_PUNCTUATION
                || Character.getType(cp) == Character.INITIAL_QUOTE_PUNCTUATION
                || Character.getType(cp) == Character.FINAL_QUOTE_PUNCTUATION
                || Character.getType(cp) == Character.MATH_SYMBOL));
    }
}
