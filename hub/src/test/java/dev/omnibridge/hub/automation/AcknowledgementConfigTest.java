package dev.omnibridge.hub.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AcknowledgementConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void withoutAnyBlockNothingIsAcknowledgedAndTheDocumentedDefaultsApply() {
        List<ConfigProblem> problems = new ArrayList<>();
        AcknowledgementConfig config = AcknowledgementConfig.read(com.fasterxml.jackson.databind.node.MissingNode
                .getInstance(), Map.of(), problems);

        assertThat(problems).isEmpty();
        AcknowledgementSettings s = config.forInstance("any");
        assertThat(s.enabled()).isFalse();
        assertThat(s.quietPeriod()).isEqualTo(Duration.ofHours(12));
        assertThat(s.expectedAnswer()).isEqualTo(Duration.ofHours(4));
        assertThat(s.defaultLanguage()).isEqualTo("en");
        assertThat(s.calendar()).isNull();
        assertThat(s.texts("en")).isPresent();
    }

    @Test
    void anInstanceBlockOverridesTheHubWideOneKeyByKeyAndLanguageByLanguage() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        AcknowledgementConfig config = AcknowledgementConfig.read(yaml("""
                enabled: true
                quietPeriod: 6h
                templates:
                  en: "Hi {firstName}"
                  de: "Hallo {firstName}"
                """), Map.of("sms", yaml("""
                quietPeriod: 1h
                channelName: text message
                templates:
                  de: {inHours: "Moin", outOfHours: "Geschlossen"}
                """), "off", yaml("enabled: false")), problems);

        assertThat(problems).isEmpty();
        AcknowledgementSettings sms = config.forInstance("sms");
        assertThat(sms.enabled()).isTrue();
        assertThat(sms.quietPeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(sms.channelName()).isEqualTo("text message");
        assertThat(sms.texts("en").orElseThrow().inHours().text()).isEqualTo("Hi {firstName}");
        assertThat(sms.texts("de").orElseThrow().outOfHours().text()).isEqualTo("Geschlossen");
        assertThat(config.forInstance("web").quietPeriod()).isEqualTo(Duration.ofHours(6));
        assertThat(config.forInstance("off").enabled()).isFalse();
    }

    @Test
    void aProblemOfTheHubWideBlockIsReportedOnceNotAgainForEachInstance() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        AcknowledgementConfig.read(yaml("""
                templates:
                  en: "Hi {nme}"
                """), Map.of("a", yaml("enabled: true"), "b", yaml("enabled: true")), problems);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isNull();
            assertThat(p.key()).isEqualTo("hub.acknowledgements.templates.en");
        });
    }

    @Test
    void aDefaultLanguageWithoutATemplateIsAProblem() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        AcknowledgementConfig.read(yaml("""
                defaultLanguage: fr
                templates:
                  en: "Hi"
                """), Map.of(), problems);

        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString()
                .contains("'fr' has no template");
    }

    @Test
    void unknownCalendarNamesAreReportedWithTheKeyThatNamesThem() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        AcknowledgementConfig config = AcknowledgementConfig.read(yaml("calendar: office"),
                Map.of("sms", yaml("calendar: weekend"), "web", yaml("enabled: true")), problems);
        CalendarLookup onlyOffice = name -> name.equals("office")
                ? java.util.Optional.of(dev.omnibridge.calendar.BusinessCalendar.alwaysOpen())
                : java.util.Optional.empty();

        assertThat(config.unknownCalendars(onlyOffice)).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isEqualTo("sms");
            assertThat(p.key()).isEqualTo("acknowledgements.calendar");
            assertThat(p.message()).isEqualTo("names unknown calendar 'weekend'");
        });
    }

    @Test
    void placeholdersAreFilledAndAnUnknownValueTakesItsFallback() {
        List<String> problems = new ArrayList<>();
        AckTemplate t = AckTemplate.parse("Hi {firstName:there}, ref {reference}{channel}.", problems);

        assertThat(problems).isEmpty();
        assertThat(t.render(Map.of("firstName", "", "reference", "AB12CD34", "channel", "")))
                .isEqualTo("Hi there, ref AB12CD34.");
        assertThat(t.render(Map.of("firstName", "Ann $1 \\\\", "reference", "R", "channel", " on SMS")))
                .isEqualTo("Hi Ann $1 \\\\, ref R on SMS.");
    }
}
