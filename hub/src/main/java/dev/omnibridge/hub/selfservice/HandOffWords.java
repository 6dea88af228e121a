package dev.omnibridge.hub.selfservice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Words and phrases with which a customer asks for a person ("agent", "human", "Mitarbeiter", "conseiller"...),
 * per language. A message containing one, as whole words, is handed to the desks at once. Every language's list is
 * tried whatever the message's language: a two-word message ("human please") is too short to detect its language
 * reliably, and asking for a person must never fail on that.
 *
 * <p>Built in for en, de, fr, es, nl, it, pt; {@code selfService.handOffWords.<language>} replaces a language's list.
 */
public final class HandOffWords {
    /** The built-in lists. Chosen to name a person, not a topic: "service" or "help" alone would hand off too much. */
    static final Map<String, List<String>> BUILT_IN = Map.of(
            "en", List.of("agent", "human", "person", "real person", "representative", "operator", "someone real",
                    "talk to someone", "speak to someone", "talk to somebody", "speak to somebody", "live chat",
                    "customer service rep"),
            "de", List.of("mitarbeiter", "mitarbeiterin", "mensch", "menschen", "person", "berater", "beraterin",
                    "sachbearbeiter", "sachbearbeiterin", "agent", "jemanden sprechen", "echte person"),
            "fr", List.of("agent", "conseiller", "conseillere", "humain", "personne", "operateur", "operatrice",
                    "quelqu un", "vrai personne", "vraie personne"),
            "es", List.of("agente", "humano", "persona", "asesor", "asesora", "operador", "operadora",
                    "representante", "alguien real", "hablar con alguien"),
            "nl", List.of("medewerker", "medewerkster", "mens", "persoon", "agent", "iemand spreken",
                    "echt persoon"),
            "it", List.of("operatore", "operatrice", "umano", "persona", "agente", "consulente"),
            "pt", List.of("atendente", "humano", "pessoa", "agente", "operador", "falar com alguem"));

    /**
     * Phrases that contain a listed word without asking for anyone: "can I return it in person?" is a question for
     * the knowledge base. Their words are blanked before the lists are tried.
     */
    private static final List<List<String>> NOT_A_REQUEST = List.of(List.of("in", "person"),
            List.of("en", "personne"), List.of("en", "persona"), List.of("in", "persona"), List.of("in", "persoon"),
            List.of("em", "pessoa"), List.of("personal", "agent"));

    private final Map<String, List<List<String>>> phrases;

    private HandOffWords(Map<String, List<String>> lists) {
        Map<String, List<List<String>>> split = new LinkedHashMap<>();
        lists.forEach((language, words) -> {
            List<List<String>> phrases = new ArrayList<>();
            for (String w : words) {
                List<String> phrase = Words.of(w);
                if (!phrase.isEmpty()) {
                    phrases.add(phrase);
                }
            }
            split.put(language, List.copyOf(phrases));
        });
        this.phrases = Map.copyOf(split);
    }

    public static HandOffWords builtIn() {
        return new HandOffWords(BUILT_IN);
    }

    /** The built-in lists with the given languages' lists replaced (an empty list: none for that language). */
    public static HandOffWords overriding(Map<String, List<String>> own) {
        Map<String, List<String>> lists = new LinkedHashMap<>(BUILT_IN);
        lists.putAll(own);
        return new HandOffWords(lists);
    }

    /** Whether the text asks for a person, in any configured language. */
    public boolean asksForPerson(String text) {
        List<String> words = new ArrayList<>(Words.of(text));
        if (words.isEmpty()) {
            return false;
        }
        for (List<String> harmless : NOT_A_REQUEST) {
            Words.blank(words, harmless);
        }
        for (List<List<String>> list : phrases.values()) {
            for (List<String> phrase : list) {
                if (Words.contains(words, phrase)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The languages that have a list. */
    public java.util.Set<String> languages() {
        return phrases.keySet();
    }
}
