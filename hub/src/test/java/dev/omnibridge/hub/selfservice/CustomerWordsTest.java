package dev.omnibridge.hub.selfservice;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the bot reads in a customer's words: a request for a person, and the answer to "did this help?". */
class CustomerWordsTest {
    private final HandOffWords words = HandOffWords.builtIn();

    @ParameterizedTest
    @ValueSource(strings = {"agent", "Human please!", "I want to talk to a real person", "Can I speak to someone?",
            "Ich möchte mit einem Mitarbeiter sprechen", "MENSCH bitte", "Je veux parler à un conseiller",
            "un humain svp", "Quiero hablar con un agente", "¿Puedo hablar con una persona?",
            "Ik wil een medewerker spreken", "Vorrei un operatore"})
    void aRequestForAPersonIsRecognisedInEveryLanguage(String text) {
        assertThat(words.asksForPerson(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"How do I return my shoes?", "Can I return it in person?", "Puis-je payer en personne ?",
            "What are your opening hours?", "Wo ist meine Bestellung?", ""})
    void anOrdinaryQuestionIsNoRequestForAPerson(String text) {
        assertThat(words.asksForPerson(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", " 1. ", "yes", "Yes!", "yes thanks", "Thank you", "👍", "ja", "Ja, danke", "oui merci",
            "sí", "Si gracias", "dank je"})
    void yesInAnyFormMeansTheAnswerHelped(String text) {
        assertThat(Feedback.of(text)).contains(Feedback.HELPED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "(2)", "no", "No.", "nope", "not really", "No, that is not what I asked", "nein",
            "Nein, leider nicht", "non", "pas vraiment", "no me sirvió", "nee", "👎"})
    void noInAnyFormMeansItDidNot(String text) {
        assertThat(Feedback.of(text)).contains(Feedback.NOT_HELPED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes but how do I change the address?", "3", "12", "When are you open?", "okay so what now"})
    void aNewQuestionIsNoFeedback(String text) {
        assertThat(Feedback.of(text)).isEmpty();
    }

    @Test
    void aPickedChoiceCountsWhateverItsTitleSays() {
        Message picked = Message.builder().channel(new ChannelRef("telegram", "tg")).channelMessageId("c1")
                .threadKey("t").author(Author.customer("Ann", Address.phone("+15550001"))).text("Nein")
                .metadata(Map.of(Choices.CHOSEN, "yes")).build();

        assertThat(Feedback.of(picked)).isEqualTo(Optional.of(Feedback.HELPED));
    }

    @Test
    void textsFollowTheCustomersLanguageWithEnglishAsFallback() {
        assertThat(BotTexts.in("de-AT").marking()).isEqualTo("Automatische Antwort:");
        assertThat(BotTexts.in("fr").question()).isEqualTo("Cela a-t-il répondu à votre question ?");
        assertThat(BotTexts.in("es").yes()).isEqualTo("Sí");
        assertThat(BotTexts.in("ja").language()).isEqualTo("en");
        assertThat(BotTexts.in(null).language()).isEqualTo("en");
    }
}
