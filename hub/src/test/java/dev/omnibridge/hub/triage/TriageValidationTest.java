package dev.omnibridge.hub.triage;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.runtime.ConfigCheck;
import dev.omnibridge.hub.testing.QuietChannel;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What {@code omnibridge validate} reports about triage and routes: every problem, in one run. */
class TriageValidationTest {
    @TempDir
    Path dir;

    /** The loader's problems and those of the check against the connector types, as {@code validate} runs them. */
    private List<ConfigProblem> validate(String yaml) {
        ConfigLoader.Result loaded = TriageConfigs.result(dir, yaml);
        List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
        ConnectorCatalog catalog = ConnectorCatalog.load(dir.resolve("plugins"),
                List.of(new dev.omnibridge.hub.inbox.ConsoleInboxType(),
                        new Type("chat", QuietChannel::new, new ConfigDef()),
                        new Type("helpdesk", HelpDesk::new, ConfigDef.create()
                                .define(Setting.of("group", SettingType.STRING).validatedBy(v -> String.valueOf(v)
                                        .matches("[0-9]+") ? Optional.empty() : Optional.of("must be a group id")))
                                .define(Setting.of("queue", SettingType.STRING)
                                        .validatedBy(Validator.oneOf("first", "second"))))));
        try {
            problems.addAll(ConfigCheck.check(loaded.config(), loaded.rejected(), catalog));
        } finally {
            catalog.close();
        }
        return problems;
    }

    @Test
    void everyTriageAndRouteProblemIsReportedInOneRun() {
        List<ConfigProblem> problems = validate("""
                calendars:
                  support-hours: {timeZone: Europe/Berlin, hours: "Mon-Fri 09:00-17:00"}
                instances:
                  - {id: web, type: chat, languages: [de, xx]}
                  - {id: sms, type: chat}
                  - {id: desk, type: helpdesk}
                  - {id: inbox, type: console-inbox}
                triage:
                  languages: [en, de, klingon]
                  minConfidence: 1.5
                  lists:
                    vip: ["+4915112345678"]
                  rules:
                    - {name: words, when: {regex: ["(unclosed"]}, set: {priority: URGENT}}
                    - {name: words, when: {keywords: [refund]}, set: {priority: URGNT}}
                    - {name: ghost-list, when: {contactIn: vips, inside: office}, set: {tags: [x]}}
                    - {name: french, when: {language: fr}, set: {tags: [fr]}}
                    - {name: odd, when: {colour: red, channel: fax}, set: {tags: [odd]}}
                routes:
                  - {from: inbox, to: desk}
                  - {from: web, to: [sms, nowhere]}
                  - name: german
                    from: web
                    when: {language: de, unanswered: 2}
                    to: [{desk: desk, group: abc, colour: red}, {desk: inbox, group: "1"}]
                  - {name: all-web, from: web, to: desk, continue: false}
                  - {name: late, from: web, when: {tag: vip}, to: desk}
                  - {name: german, from: sms, to: desk, reroute: true}
                """);

        assertThat(problems).extracting(ConfigProblem::instanceId, ConfigProblem::key).contains(
                tuple("web", "languages"),
                tuple(null, "triage.languages"),
                tuple(null, "triage.minConfidence"),
                tuple(null, "triage.rules[0](words).when.regex"),
                tuple(null, "triage.rules[1](words).name"),
                tuple(null, "triage.rules[1](words).set.priority"),
                tuple(null, "triage.rules[2](ghost-list).when.contactIn"),
                tuple(null, "triage.rules[2](ghost-list).when.inside"),
                tuple(null, "triage.rules[3](french).when.language"),
                tuple(null, "triage.rules[4](odd).when.colour"),
                tuple(null, "triage.rules[4](odd).when.channel"),
                tuple(null, "routes[0].from"),
                tuple(null, "routes[1].to"),
                tuple(null, "routes[2].when.unanswered"),
                tuple(null, "routes[2].to.desk.group"),
                tuple(null, "routes[2].to.desk.colour"),
                tuple(null, "routes[2].to.inbox"),
                tuple(null, "routes[4]"),
                tuple(null, "routes[5].name"),
                tuple(null, "routes[5].reroute"));
        assertThat(problems).filteredOn(p -> "triage.rules[0](words).when.regex".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .contains("(unclosed").contains("Unclosed group");
        assertThat(problems).filteredOn(p -> "routes[1].to".equals(p.key())).extracting(ConfigProblem::message)
                .containsExactlyInAnyOrder("names unknown instance 'nowhere'",
                        "'sms' is a channel, not a desk (routes go from channels to desks)");
        assertThat(problems).filteredOn(p -> "routes[4]".equals(p.key())).singleElement()
                .extracting(ConfigProblem::message).asString().contains("can never match").contains("all-web");
        assertThat(problems).filteredOn(p -> "triage.rules[3](french).when.language".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString().contains("'fr' is not detected");
    }

    @Test
    void aValidTriageConfigurationHasNoProblem() {
        assertThat(validate("""
                calendars:
                  support-hours: {timeZone: Europe/Berlin, hours: "Mon-Fri 09:00-17:00"}
                instances:
                  - {id: web, type: chat, languages: [de, en]}
                  - {id: desk, type: helpdesk}
                  - {id: inbox, type: console-inbox}
                triage:
                  languages: [en, de, fr, es, pt, it, nl]
                  lists: {vip: ["+4915112345678", "ceo@bigcustomer.example"]}
                  rules:
                    - {name: urgent, when: {keywords: {en: [urgent], de: [dringend]}}, set: {priority: URGENT}}
                    - {name: vip, when: {contactIn: vip}, set: {priority: HIGH, tags: [vip]}}
                    - {name: chasing, when: {unanswered: 3}, set: {tags: [chasing]}}
                    - {name: late, when: {outside: support-hours}, set: {tags: [after-hours]}}
                routes:
                  - name: german
                    from: web
                    when: {language: de}
                    to: [{desk: desk, group: "360000001", queue: first}, inbox]
                  - {name: rest, from: web, to: desk, continue: false}
                """)).isEmpty();
    }

    private record Type(String name, java.util.function.Supplier<Connector> make, ConfigDef assignment)
            implements ConnectorType {
        @Override
        public String description() {
            return name;
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef();
        }

        @Override
        public Connector create() {
            return make.get();
        }
    }

    static final class HelpDesk implements DeskConnector {
        @Override
        public void start(ConnectorContext context) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            throw new UnsupportedOperationException("validation only");
        }
    }
}
