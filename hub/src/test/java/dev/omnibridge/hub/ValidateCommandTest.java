package dev.omnibridge.hub;

import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** {@code omnibridge validate} on the built-in connector types (the console inbox desk), no plugins needed. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    private List<ConfigProblem> validate(String yaml) throws IOException {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, yaml);
        return Omnibridge.problems(file);
    }

    @Test
    void aRouteFromADeskIsReportedUnderRoutesNotUnderTheInstance() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub: {adminToken: admin-token-123}
                instances:
                  - {id: inbox, type: console-inbox}
                  - {id: other, type: console-inbox}
                routes:
                  - {from: inbox, to: other}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isNull();
            assertThat(p.key()).isEqualTo("routes[0].from");
            assertThat(p.message()).contains("'inbox' is a desk").contains("from channels to desks");
        });
    }

    @Test
    void anInstanceWithABadIdStillHasItsSettingsAndTypeChecked() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub: {adminToken: admin-token-123}
                instances:
                  - {id: Inbox_1, type: console-inbox, settings: {colour: red}}
                  - {id: ghost, type: console-inbox}
                  - {id: ghost, type: no-such-type}
                """);

        assertThat(problems).extracting(ConfigProblem::instanceId, ConfigProblem::key).containsExactlyInAnyOrder(
                tuple("Inbox_1", "id"), tuple("ghost#2", "id"), tuple("Inbox_1", "colour"), tuple("ghost#2", "type"));
    }

    @Test
    void badAcknowledgementTemplatesAndUnknownCalendarsAreReportedAllAtOnce() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub:
                  adminToken: admin-token-123
                  acknowledgements:
                    enabled: true
                    calendar: office
                    quietPeriod: soon
                    templates:
                      en: {inHours: "Hi {firstName}, ticket {ticketNumber}", outOfHours: "Closed, {name}"}
                instances:
                  - id: inbox
                    type: console-inbox
                    acknowledgements: {calendar: weekend}
                """);

        assertThat(problems).extracting(ConfigProblem::instanceId, ConfigProblem::key).containsExactlyInAnyOrder(
                tuple(null, "hub.acknowledgements.quietPeriod"),
                tuple(null, "hub.acknowledgements.templates.en.inHours"),
                tuple(null, "hub.acknowledgements.templates.en.outOfHours"),
                tuple(null, "hub.acknowledgements.calendar"),
                tuple("inbox", "acknowledgements.calendar"),
                tuple("inbox", "acknowledgements"));
        assertThat(problems).filteredOn(p -> "hub.acknowledgements.templates.en.inHours".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .contains("unknown placeholder(s) {ticketNumber}").contains("{firstName}");
        assertThat(problems).filteredOn(p -> "hub.acknowledgements.calendar".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .isEqualTo("names unknown calendar 'office'");
        assertThat(problems).filteredOn(p -> "acknowledgements".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .contains("only channel instances acknowledge");
    }

    @Test
    void aMissingFileIsOneProblemSaidPlainly() {
        Path missing = dir.resolve("missing.yaml");

        assertThat(Omnibridge.problems(missing)).extracting(ConfigProblem::toString)
                .containsExactly("configuration file " + missing + " does not exist");
    }
}
