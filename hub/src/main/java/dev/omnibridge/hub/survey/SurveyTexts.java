package dev.omnibridge.hub.survey;

import java.util.List;
import java.util.Map;

/**
 * The survey's built-in texts in English, German, French and Spanish, and the pick for a customer: the configured
 * texts of their language over the built-in ones, else English. The CSAT option titles are what a channel with buttons
 * shows and, numbered 1 to 5, what one without shows: the number a customer types is the rating.
 */
final class SurveyTexts {
    static final String FALLBACK = "en";

    private static final Map<String, SurveyConfig.Texts> CSAT = Map.of(
            "en", new SurveyConfig.Texts("How satisfied are you with the help you received? Please rate it from 1 "
                    + "(very poor) to 5 (excellent).", "Thank you for your rating! Is there anything you would like "
                    + "to add? Just reply here (optional).", "Thank you for your feedback!",
                    List.of("Very poor", "Poor", "Okay", "Good", "Excellent")),
            "de", new SurveyConfig.Texts("Wie zufrieden sind Sie mit der Hilfe, die Sie erhalten haben? Bitte "
                    + "bewerten Sie sie von 1 (sehr schlecht) bis 5 (ausgezeichnet).", "Danke für Ihre Bewertung! "
                    + "Möchten Sie noch etwas ergänzen? Antworten Sie einfach hier (freiwillig).",
                    "Vielen Dank für Ihr Feedback!", List.of("Sehr schlecht", "Schlecht", "Okay", "Gut",
                    "Ausgezeichnet")),
            "fr", new SurveyConfig.Texts("Êtes-vous satisfait de l'aide reçue ? Merci de la noter de 1 (très "
                    + "mauvaise) à 5 (excellente).", "Merci pour votre note ! Souhaitez-vous ajouter quelque chose ? "
                    + "Répondez simplement ici (facultatif).", "Merci pour votre retour !",
                    List.of("Très mauvaise", "Mauvaise", "Correcte", "Bonne", "Excellente")),
            "es", new SurveyConfig.Texts("¿Qué tan satisfecho está con la ayuda recibida? Valórela del 1 (muy mala) "
                    + "al 5 (excelente).", "¡Gracias por su valoración! ¿Quiere añadir algo? Responda aquí "
                    + "(opcional).", "¡Gracias por su opinión!",
                    List.of("Muy mala", "Mala", "Regular", "Buena", "Excelente")));

    private static final Map<String, String> NPS_QUESTION = Map.of(
            "en", "How likely are you to recommend us to a friend or colleague? Please reply with a number from 0 "
                    + "(not at all likely) to 10 (extremely likely).",
            "de", "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen? Bitte antworten Sie "
                    + "mit einer Zahl von 0 (sehr unwahrscheinlich) bis 10 (äußerst wahrscheinlich).",
            "fr", "Quelle est la probabilité que vous nous recommandiez à un ami ou un collègue ? Répondez par un "
                    + "nombre de 0 (pas du tout probable) à 10 (très probable).",
            "es", "¿Qué probabilidad hay de que nos recomiende a un amigo o colega? Responda con un número del 0 "
                    + "(nada probable) al 10 (muy probable).");

    private SurveyTexts() {
    }

    /** The language the customer is written to in: theirs when there are texts for it, else English. */
    static String language(String customerLanguage, Map<String, SurveyConfig.Texts> configured) {
        String lang = SurveyConfig.language(customerLanguage);
        return lang != null && (CSAT.containsKey(lang) || configured.containsKey(lang)) ? lang : FALLBACK;
    }

    /** The CSAT texts in {@code language}, configured over built-in (English fills what neither has). */
    static SurveyConfig.Texts csat(String language, Map<String, SurveyConfig.Texts> configured) {
        SurveyConfig.Texts builtIn = CSAT.getOrDefault(language, CSAT.get(FALLBACK));
        SurveyConfig.Texts own = configured.get(language);
        SurveyConfig.Texts merged = own == null ? builtIn : own.over(builtIn);
        return merged.over(CSAT.get(FALLBACK));
    }

    /** The NPS texts: its own question; the comment question and thanks as CSAT's unless configured. */
    static SurveyConfig.Texts nps(String language, Map<String, SurveyConfig.Texts> npsConfigured,
                                  Map<String, SurveyConfig.Texts> csatConfigured) {
        SurveyConfig.Texts csat = csat(language, csatConfigured);
        SurveyConfig.Texts base = new SurveyConfig.Texts(NPS_QUESTION.getOrDefault(language,
                NPS_QUESTION.get(FALLBACK)), csat.comment(), csat.thanks(), null);
        SurveyConfig.Texts own = npsConfigured.get(language);
        return own == null ? base : own.over(base);
    }
}
