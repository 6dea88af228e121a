package dev.omnibridge.hub.selfservice;

import dev.omnibridge.model.Choice;

import java.util.List;
import java.util.Map;

/**
 * What the bot says, per language: the marking of an automatic answer, the "did it help?" question with its two
 * choices, the thanks and the hand-off line. The customer's language (the message's, as triage detected it) when the
 * bot has it, English otherwise.
 *
 * @param language    the language these texts are in
 * @param marking     the first line of every automatic answer: the customer must see that no person wrote it
 * @param more        before the entry's link
 * @param question    asked after the answer, with the choices yes / no
 * @param yes         the title of the "yes" choice
 * @param no          the title of the "no" choice
 * @param thanks      when the answer helped
 * @param handOff     when a person takes over (sent only where the channel sends no acknowledgement, see
 *                    {@link SelfServiceStep})
 */
public record BotTexts(String language, String marking, String more, String question, String yes, String no,
                       String thanks, String handOff) {
    public static final String FALLBACK = "en";

    private static final Map<String, BotTexts> BUILT_IN = Map.of(
            "en", new BotTexts("en", "Automatic answer:", "More:", "Did this answer your question?", "Yes", "No",
                    "Glad I could help! Write again any time.",
                    "I'm passing your message to a colleague, who will answer you here."),
            "de", new BotTexts("de", "Automatische Antwort:", "Mehr dazu:", "Hat das Ihre Frage beantwortet?", "Ja",
                    "Nein", "Schön, dass ich helfen konnte! Schreiben Sie jederzeit wieder.",
                    "Ich gebe Ihre Nachricht an das Team weiter; eine Kollegin oder ein Kollege antwortet Ihnen hier."),
            "fr", new BotTexts("fr", "Réponse automatique :", "En savoir plus :",
                    "Cela a-t-il répondu à votre question ?", "Oui", "Non",
                    "Ravi d'avoir pu vous aider ! N'hésitez pas à nous écrire à nouveau.",
                    "Je transmets votre message à un conseiller, qui vous répondra ici."),
            "es", new BotTexts("es", "Respuesta automática:", "Más información:", "¿Esto respondió a su pregunta?",
                    "Sí", "No", "¡Me alegra haber ayudado! Escríbanos cuando quiera.",
                    "Paso su mensaje a un compañero, que le responderá aquí."),
            "nl", new BotTexts("nl", "Automatisch antwoord:", "Meer info:", "Heeft dit uw vraag beantwoord?", "Ja",
                    "Nee", "Fijn dat ik kon helpen! Schrijf gerust opnieuw.",
                    "Ik geef uw bericht door aan een collega, die u hier antwoordt."));

    /** The texts in the language of a BCP 47 tag ({@code de-AT} is German), English when the bot has none. */
    public static BotTexts in(String languageTag) {
        String language = Words.language(languageTag);
        BotTexts texts = language == null ? null : BUILT_IN.get(language);
        return texts != null ? texts : BUILT_IN.get(FALLBACK);
    }

    /** The choices offered with an answer. */
    public List<Choice> choices() {
        return List.of(new Choice(Feedback.YES, yes), new Choice(Feedback.NO, no));
    }

    /** An automatic answer as the customer reads it: marked, the entry's answer, its link, the question. */
    public String answer(String answer, String link) {
        StringBuilder b = new StringBuilder(marking).append("\n\n").append(answer.strip());
        if (link != null && !link.isBlank()) {
            b.append("\n\n").append(more).append(' ').append(link.strip());
        }
        return b.append("\n\n").append(question).toString();
    }
}
