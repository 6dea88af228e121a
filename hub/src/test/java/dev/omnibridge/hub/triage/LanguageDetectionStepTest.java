package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static dev.omnibridge.hub.triage.TriageConfigs.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detection step around the detector: which detector a channel gets, what is recorded. The detector here is a
 * stand-in that says German for texts with "Hallo" (the real one is tested on its corpus).
 */
class LanguageDetectionStepTest {
    @TempDir
    Path dir;
    private final List<List<String>> made = new ArrayList<>();

    private Triage triage(String yaml) {
        HubConfig config = TriageConfigs.load(dir, yaml);
        return Triage.from(config, (languages, min) -> {
            made.add(languages);
            return text -> text.contains("Hallo") ? new LanguageDetector.Detection("de", 0.93)
                    : LanguageDetector.Detection.unknown(0.414);
        }, Clock.systemUTC());
    }

    @Test
    void aDetectedLanguageIsSetTaggedAndRecordedAndAnUnknownOneOnlyRecorded() {
        Triage triage = triage("""
                instances:
                  - {id: email, type: email}
                triage:
                  languages: [de, en]
                """);

        Message german = triage.detectLanguage(message("email", "Hallo zusammen").build());
        assertThat(german.language()).isEqualTo("de");
        assertThat(german.tags()).contains("lang:de");
        assertThat(german.metadata()).containsEntry(TriageRecord.LANGUAGE, "de 0.93");

        Message unknown = triage.detectLanguage(message("email", "ok").build());
        assertThat(unknown.language()).isNull();
        assertThat(unknown.tags()).isEmpty();
        assertThat(unknown.metadata()).containsEntry(TriageRecord.LANGUAGE, "unknown 0.41");
    }

    @Test
    void aTriageRecordTheChannelPassedInIsDroppedSoOnlyTheHubsDecisionShows() {
        Triage triage = triage("""
                instances:
                  - {id: web, type: webchat}
                """);
        Message spoofed = message("web", "ok").metadata(java.util.Map.of(TriageRecord.RULES, "vip",
                TriageRecord.ROUTE, "priority-desk", TriageRecord.LANGUAGE, "de 0.99", "orderId", "42")).build();

        Message triaged = triage.classify(triage.detectLanguage(spoofed), 1).message();

        assertThat(triaged.metadata()).doesNotContainKeys(TriageRecord.ROUTE, TriageRecord.LANGUAGE)
                .containsEntry("orderId", "42");
        assertThat(triaged.metadata().getOrDefault(TriageRecord.RULES, "")).isEmpty();
    }

    @Test
    void aLanguageTheChannelGaveIsKeptAndTaggedWithoutDetection() {
        Triage triage = triage("""
                instances:
                  - {id: web, type: webchat}
                triage:
                  languages: [de, en]
                """);

        Message given = triage.detectLanguage(message("web", "Hallo").language("fr").build());

        assertThat(given.language()).isEqualTo("fr");
        assertThat(given.tags()).containsExactly("lang:fr");
        assertThat(given.metadata()).doesNotContainKey(TriageRecord.LANGUAGE);
    }

    @Test
    void anInstancesOwnLanguagesReplaceTheHubsAndAnEmptyListTurnsDetectionOff() {
        Triage triage = triage("""
                instances:
                  - {id: email, type: email, languages: [de, fr]}
                  - {id: sms, type: twilio-sms, languages: []}
                  - {id: web, type: webchat}
                triage:
                  languages: [en, de]
                """);

        assertThat(made).containsExactlyInAnyOrder(List.of("de", "fr"), List.of("en", "de"));
        Message sms = message("sms", "Hallo").build();
        assertThat(triage.detectLanguage(sms)).isSameAs(sms);
        assertThat(triage.detectLanguage(message("email", "Hallo").build()).language()).isEqualTo("de");
        assertThat(triage.detectLanguage(message("web", "Hallo").build()).language()).isEqualTo("de");
    }

    @Test
    void withoutLanguagesNothingIsDetected() {
        Triage triage = triage("instances: [{id: email, type: email}]\n");
        Message m = message("email", "Hallo").build();

        assertThat(triage.detectLanguage(m)).isSameAs(m);
        assertThat(made).isEmpty();
    }
}
