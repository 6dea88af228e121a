package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static dev.omnibridge.hub.triage.TriageConfigs.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Contacts on lists, unanswered counts, calendars, and how fired rules combine (priority, tags, stop). */
class ClassificationRulesTest {
    @TempDir
    Path dir;

    private static Message from(Address address) {
        return message("sms", "hello").author(Author.customer("Kim", address)).build();
    }

    @Test
    void aVipListMatchesPhonesByTheirDigitsEmailsInAnyCaseAndChatIdsAsWritten() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: sms, type: twilio-sms}
                triage:
                  lists:
                    vip: ["+49 151 1234-5678", "CEO@BigCustomer.example", "tg-4711"]
                  rules:
                    - name: vip
                      when: {contactIn: vip}
                      set: {priority: HIGH, tags: [vip]}
                """);

        assertThat(triage.classify(from(Address.phone("+4915112345678")), 1).firedRules()).containsExactly("vip");
        assertThat(triage.classify(from(Address.email("ceo@bigcustomer.example")), 1).message().priority())
                .isEqualTo(Priority.HIGH);
        assertThat(triage.classify(from(Address.chatUser("tg-4711")), 1).firedRules()).containsExactly("vip");
        // WhatsApp's user id is the number without '+'.
        assertThat(triage.classify(from(Address.chatUser("4915112345678")), 1).firedRules()).containsExactly("vip");
        assertThat(triage.classify(from(Address.phone("+4915112345679")), 1).firedRules()).isEmpty();
        assertThat(triage.classify(from(Address.email("cfo@bigcustomer.example")), 1).message().priority())
                .isEqualTo(Priority.NORMAL);
    }

    @Test
    void anyHoldsWhenOneOfItsConditionsDoesBesideTheOtherKeys() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: sms, type: twilio-sms}
                  - {id: email, type: email}
                triage:
                  lists:
                    vip: ["+4915112345678"]
                  rules:
                    - name: escalate
                      when:
                        channel: sms
                        any:
                          - {contactIn: vip}
                          - {keywords: [refund]}
                          - {unanswered: 3}
                      set: {priority: HIGH}
                """);

        assertThat(triage.needsUnanswered()).as("a nested unanswered condition makes the writer count").isTrue();
        assertThat(triage.classify(from(Address.phone("+4915112345678")), 1).firedRules()).containsExactly("escalate");
        assertThat(triage.classify(message("sms", "I want a refund").build(), 1).firedRules())
                .containsExactly("escalate");
        assertThat(triage.classify(message("sms", "hello again").build(), 3).firedRules()).containsExactly("escalate");
        assertThat(triage.classify(message("sms", "hello").build(), 1).firedRules()).isEmpty();
        assertThat(triage.classify(message("email", "I want a refund").build(), 1).firedRules())
                .as("the other keys still hold").isEmpty();
    }

    @Test
    void anEmptyOrMalformedAnyIsAProblem() {
        var problems = TriageConfigs.result(dir, """
                instances:
                  - {id: sms, type: twilio-sms}
                triage:
                  rules:
                    - name: a
                      when: {any: []}
                      set: {priority: HIGH}
                    - name: b
                      when: {any: [{langauge: de}]}
                      set: {priority: HIGH}
                """).problems();

        assertThat(problems.stream().map(p -> p.key() + ": " + p.message()).toList())
                .anyMatch(p -> p.startsWith("triage.rules[0](a).when.any: must be a list of condition mappings"))
                .anyMatch(p -> p.startsWith("triage.rules[1](b).when.any[0].langauge: unknown condition"));
    }

    @Test
    void anUnansweredRuleFiresFromItsCountOnAndIsWhatMakesTheWriterCount() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: email, type: email}
                triage:
                  rules:
                    - name: chasing
                      when: {unanswered: 3}
                      set: {priority: HIGH, tags: [chasing]}
                """);
        Message m = message("email", "any news?").build();

        assertThat(triage.needsUnanswered()).isTrue();
        assertThat(triage.classify(m, 2).firedRules()).isEmpty();
        assertThat(triage.classify(m, 3).firedRules()).containsExactly("chasing");
        assertThat(triage.classify(m, 7).message().tags()).contains("chasing");
        assertThat(TriageConfigs.triage(dir, "instances: [{id: email, type: email}]\n").needsUnanswered()).isFalse();
    }

    @Test
    void insideAndOutsideAskTheCalendarAtTheMessagesReceivedAt() {
        Triage triage = TriageConfigs.triage(dir, """
                calendars:
                  support-hours: {timeZone: Europe/Berlin, hours: "Mon-Fri 09:00-17:00"}
                instances:
                  - {id: email, type: email}
                triage:
                  rules:
                    - name: after-hours
                      when: {outside: support-hours}
                      set: {tags: [after-hours]}
                    - name: office-hours
                      when: {inside: support-hours}
                      set: {tags: [office-hours]}
                """);
        // Monday 2026-12-07: 10:00 UTC is 11:00 in Berlin; Sunday 2026-12-06 is closed all day.
        Message monday = message("email", "hi").receivedAt(Instant.parse("2026-12-07T10:00:00Z")).build();
        Message sunday = message("email", "hi").receivedAt(Instant.parse("2026-12-06T10:00:00Z")).build();
        Message mondayNight = message("email", "hi").receivedAt(Instant.parse("2026-12-07T16:30:00Z")).build();

        assertThat(triage.classify(monday, 1).firedRules()).containsExactly("office-hours");
        assertThat(triage.classify(sunday, 1).firedRules()).containsExactly("after-hours");
        assertThat(triage.classify(mondayNight, 1).firedRules()).containsExactly("after-hours");
    }

    @Test
    void theHighestPriorityAFiredRuleSetsWinsAndEveryFiredRuleAddsItsTags() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: email, type: email}
                triage:
                  rules:
                    - {name: urgent, when: {keywords: [urgent]}, set: {priority: URGENT, tags: [urgent]}}
                    - {name: billing, when: {keywords: [invoice]}, set: {priority: HIGH, tags: [billing]}}
                    - {name: urgent-billing, when: {tag: urgent, keywords: [invoice]}, set: {tags: [escalate]}}
                """);

        Classified c = triage.classify(message("email", "urgent: wrong invoice").tags(Set.of("web")).build(), 1);

        assertThat(c.firedRules()).containsExactly("urgent", "billing", "urgent-billing");
        assertThat(c.message().priority()).isEqualTo(Priority.URGENT);
        assertThat(c.message().tags()).containsExactlyInAnyOrder("web", "urgent", "billing", "escalate");
        assertThat(c.message().metadata()).containsEntry(TriageRecord.RULES, "urgent,billing,urgent-billing");
    }

    @Test
    void aRuleThatSetsNoPriorityKeepsTheChannelsAndAFiredStopEndsEvaluation() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: email, type: email}
                triage:
                  rules:
                    - {name: newsletter, when: {keywords: [unsubscribe]}, set: {priority: LOW, tags: [bulk]}, stop: true}
                    - {name: sales, when: {keywords: [offer]}, set: {tags: [sales]}}
                    - {name: anything-high, when: {priority: HIGH}, set: {tags: [was-high]}}
                """);

        Classified bulk = triage.classify(message("email", "an offer; unsubscribe here").build(), 1);
        assertThat(bulk.firedRules()).containsExactly("newsletter");
        assertThat(bulk.message().priority()).isEqualTo(Priority.LOW);
        assertThat(bulk.message().tags()).containsExactly("bulk");

        Classified offer = triage.classify(message("email", "an offer").priority(Priority.HIGH).build(), 1);
        assertThat(offer.firedRules()).containsExactly("sales", "anything-high");
        assertThat(offer.message().priority()).isEqualTo(Priority.HIGH);

        Message quiet = message("email", "hello").build();
        assertThat(triage.classify(quiet, 1).message()).isSameAs(quiet);
    }

    @Test
    void aLanguageConditionTellsKnownFromUnknownLanguagesAndRegionsFromTheirLanguage() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: email, type: email}
                triage:
                  rules:
                    - {name: german, when: {language: de}, set: {tags: [german]}}
                    - {name: unknown, when: {language: unknown}, set: {tags: [needs-language]}}
                    - {name: brazil, when: {language: [pt-br]}, set: {tags: [brazil]}}
                """);

        assertThat(triage.classify(message("email", "x").language("de-AT").build(), 1).firedRules())
                .containsExactly("german");
        assertThat(triage.classify(message("email", "x").build(), 1).firedRules()).containsExactly("unknown");
        assertThat(triage.classify(message("email", "x").language("pt-BR").build(), 1).firedRules())
                .containsExactly("brazil");
        assertThat(triage.classify(message("email", "x").language("pt").build(), 1).firedRules()).isEmpty();
    }
}
