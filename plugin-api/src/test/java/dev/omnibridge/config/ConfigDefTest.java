package dev.omnibridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigDefTest {
    private static final String SECRET = "s3cr3t-Value-42";

    private final List<ConfigProblem> problems = new ArrayList<>();

    /** Settings shaped like the webhook-channel connector's. */
    private static ConfigDef webhookChannel() {
        return ConfigDef.create()
                .define(Setting.of("secret", SettingType.STRING).required().secret().describedAs("HMAC key"))
                .define(Setting.of("callbackUrl", SettingType.URL).required().describedAs("where replies are POSTed"))
                .define(Setting.of("timeout", SettingType.DURATION).withDefault("10s"))
                .define(Setting.of("retries", SettingType.INT).withDefault(3).validatedBy(Validator.range(0, 10)))
                .define(Setting.of("mode", SettingType.STRING).withDefault("json").validatedBy(Validator.oneOf("json", "form")))
                .define(Setting.of("allowedSenders", SettingType.LIST))
                .define(Setting.of("verbose", SettingType.BOOLEAN).withDefault(false));
    }

    private static Map<String, Object> valid() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("secret", SECRET);
        raw.put("callbackUrl", "https://replies.example.com/hook");
        return raw;
    }

    private Settings parse(ConfigDef def, Map<String, ?> raw) {
        return def.parse("web", raw, problems);
    }

    private List<String> messages() {
        return problems.stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void defaultsAreAppliedAndConverted() {
        Settings settings = parse(webhookChannel(), valid());

        assertThat(problems).isEmpty();
        assertThat(settings.secret("secret").reveal()).isEqualTo(SECRET);
        assertThat(settings.url("callbackUrl")).isEqualTo(URI.create("https://replies.example.com/hook"));
        assertThat(settings.duration("timeout")).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.integer("retries")).isEqualTo(3);
        assertThat(settings.string("mode")).isEqualTo("json");
        assertThat(settings.bool("verbose")).isFalse();
        assertThat(settings.has("allowedSenders")).isFalse();
        assertThat(settings.list("allowedSenders")).isEmpty();
    }

    @Test
    void missingRequiredSettingIsReportedWithItsDescription() {
        Map<String, Object> raw = valid();
        raw.remove("callbackUrl");

        parse(webhookChannel(), raw);

        assertThat(messages()).containsExactly(
                "instance 'web': 'callbackUrl': required setting is missing (where replies are POSTed)");
    }

    @Test
    void emptyStringForRequiredSettingCountsAsMissing() {
        Map<String, Object> raw = valid();
        raw.put("secret", "");

        parse(webhookChannel(), raw);

        assertThat(messages()).containsExactly("instance 'web': 'secret': required setting is missing (HMAC key)");
    }

    @Test
    void unknownKeyIsReportedWithTheKnownOnes() {
        Map<String, Object> raw = valid();
        raw.put("timout", "5s");

        parse(webhookChannel(), raw);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isEqualTo("web");
            assertThat(p.key()).isEqualTo("timout");
            assertThat(p.message()).startsWith("unknown setting; known settings are [secret, callbackUrl, timeout,");
        });
    }

    @Test
    void wrongIntIsReportedWithTheValue() {
        Map<String, Object> raw = valid();
        raw.put("retries", "three");

        parse(webhookChannel(), raw);

        assertThat(messages()).containsExactly("instance 'web': 'retries': must be an integer, was 'three'");
    }

    @Test
    void intAcceptsYamlNumbersAndPaddedStrings() {
        Map<String, Object> raw = valid();
        raw.put("retries", " 7 ");
        assertThat(parse(webhookChannel(), raw).integer("retries")).isEqualTo(7);
        raw.put("retries", 5);
        assertThat(parse(webhookChannel(), raw).integer("retries")).isEqualTo(5);
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "PT1H, PT1H", "PT0.25S, PT0.25S",
            "' 45s ', PT45S"})
    void durationAcceptsShortAndIsoForms(String text, String expected) {
        Map<String, Object> raw = valid();
        raw.put("timeout", text);

        Settings settings = parse(webhookChannel(), raw);

        assertThat(problems).isEmpty();
        assertThat(settings.duration("timeout")).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "10", "1h30m", "s", "PT", "-5s"})
    void invalidDurationIsReported(String text) {
        Map<String, Object> raw = valid();
        raw.put("timeout", text);

        parse(webhookChannel(), raw);

        assertThat(messages()).containsExactly(
                "instance 'web': 'timeout': must be a duration such as 30s, 5m or PT1H, was '" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:9000/replies", "https://hub.example.com", "https://x.example/a?b=c"})
    void urlAcceptsAbsoluteHttpAndHttps(String url) {
        Map<String, Object> raw = valid();
        raw.put("callbackUrl", url);

        assertThat(parse(webhookChannel(), raw).url("callbackUrl")).isEqualTo(URI.create(url));
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example.com/x", "/replies", "localhost:9000/replies", "http://", "https://exa mple.com",
            "mailto:ann@example.com"})
    void urlRejectsAnythingButAbsoluteHttpAndHttps(String url) {
        Map<String, Object> raw = valid();
        raw.put("callbackUrl", url);

        parse(webhookChannel(), raw);

        assertThat(messages()).containsExactly(
                "instance 'web': 'callbackUrl': must be an absolute http or https URL, was '" + url + "'");
    }

    @Test
    void listComesFromYamlListOrCommaSeparatedString() {
        Map<String, Object> raw = valid();
        raw.put("allowedSenders", List.of(" alice ", "bob"));
        assertThat(parse(webhookChannel(), raw).list("allowedSenders")).containsExactly("alice", "bob");

        raw.put("allowedSenders", "alice, bob,,carol ,");
        assertThat(parse(webhookChannel(), raw).list("allowedSenders")).containsExactly("alice", "bob", "carol");

        raw.put("allowedSenders", "single");
        assertThat(parse(webhookChannel(), raw).list("allowedSenders")).containsExactly("single");
        assertThat(problems).isEmpty();
    }

    @Test
    void booleanAcceptsCommonSpellings() {
        Map<String, Object> raw = valid();
        for (Object yes : List.of(true, "true", "YES", "on")) {
            raw.put("verbose", yes);
            assertThat(parse(webhookChannel(), raw).bool("verbose")).as("%s", yes).isTrue();
        }
        for (Object no : List.of(false, "False", "no", "OFF")) {
            raw.put("verbose", no);
            assertThat(parse(webhookChannel(), raw).bool("verbose")).as("%s", no).isFalse();
        }
        raw.put("verbose", "maybe");
        parse(webhookChannel(), raw);
        assertThat(messages()).containsExactly("instance 'web': 'verbose': must be true or false, was 'maybe'");
    }

    @Test
    void validatorsCheckTheConvertedValue() {
        Map<String, Object> raw = valid();
        raw.put("retries", "11");
        raw.put("mode", "xml");

        parse(webhookChannel(), raw);

        assertThat(messages()).containsExactly(
                "instance 'web': 'retries': must be between 0 and 10, was 11",
                "instance 'web': 'mode': must be one of [json, form], was 'xml'");
    }

    @Test
    void nonEmptyValidatorRejectsBlankStringsAndEmptyLists() {
        ConfigDef def = ConfigDef.create()
                .define(Setting.of("name", SettingType.STRING).validatedBy(Validator.nonEmpty()))
                .define(Setting.of("items", SettingType.LIST).validatedBy(Validator.nonEmpty()));

        parse(def, Map.of("name", "  x ", "items", "a"));
        assertThat(problems).isEmpty();

        parse(def, Map.of("name", "   ", "items", " , "));
        assertThat(messages()).containsExactly(
                "instance 'web': 'name': must not be empty", "instance 'web': 'items': must not be empty");
    }

    @Test
    void validatorsApplyToDefaultsToo() {
        ConfigDef def = ConfigDef.create()
                .define(Setting.of("port", SettingType.INT).withDefault(99_999).validatedBy(Validator.range(1, 65_535)));

        parse(def, Map.of());

        assertThat(messages()).containsExactly("instance 'web': 'port': must be between 1 and 65535, was 99999");
    }

    @Test
    void everyProblemIsCollectedAtOnce() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("callbakUrl", "https://typo.example.com");
        raw.put("timeout", "soon");
        raw.put("retries", "x");
        raw.put("mode", "xml");

        parse(webhookChannel(), raw);

        assertThat(problems).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("callbakUrl", "secret", "callbackUrl", "timeout", "retries", "mode");
        assertThat(problems).allSatisfy(p -> assertThat(p.instanceId()).isEqualTo("web"));
    }

    @Test
    void secretValueNeverAppearsInProblems() {
        ConfigDef def = ConfigDef.create()
                .define(Setting.of("token", SettingType.STRING).required().secret())
                .define(Setting.of("pin", SettingType.INT).required().secret())
                .define(Setting.of("endpoint", SettingType.URL).secret())
                .define(Setting.of("timeout", SettingType.DURATION).secret());

        parse(def, Map.of("token", SECRET, "pin", SECRET, "endpoint", SECRET, "timeout", SECRET));

        assertThat(messages()).containsExactlyInAnyOrder(
                "instance 'web': 'pin': must be an integer",
                "instance 'web': 'endpoint': must be an absolute http or https URL",
                "instance 'web': 'timeout': must be a duration such as 30s, 5m or PT1H");
        assertThat(String.join("\n", messages())).doesNotContain(SECRET);
    }

    @Test
    void secretValueNeverAppearsInSettingsToString() {
        Settings settings = parse(webhookChannel(), valid());

        assertThat(settings.toString()).doesNotContain(SECRET).contains("secret=******")
                .contains("callbackUrl=https://replies.example.com/hook");
        assertThat(settings.secret("secret").toString()).isEqualTo("******");
        assertThat(String.valueOf(settings.secret("secret"))).doesNotContain(SECRET);
    }

    @Test
    void secretsCompareByValue() {
        assertThat(new Secret("a")).isEqualTo(new Secret("a")).isNotEqualTo(new Secret("b"));
    }

    @Test
    void settingsRefuseTheWrongType() {
        Settings settings = parse(webhookChannel(), valid());

        assertThatThrownBy(() -> settings.integer("mode")).isInstanceOf(IllegalStateException.class)
                .hasMessage("setting 'mode' is a String, not a Integer");
        assertThatThrownBy(() -> settings.string("allowedSenders")).isInstanceOf(IllegalStateException.class)
                .hasMessage("setting 'allowedSenders' has no value");
        assertThatThrownBy(() -> settings.string("secret")).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void definingASettingTwiceFails() {
        assertThatThrownBy(() -> ConfigDef.create().define(Setting.of("a", SettingType.STRING))
                .define(Setting.of("a", SettingType.INT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("setting 'a' is defined twice");
    }

    @Test
    void settingBuilderKeepsEveryAttribute() {
        Validator v = Validator.nonEmpty();
        Setting s = Setting.of("token", SettingType.STRING).describedAs("API token").secret().validatedBy(v).required();

        assertThat(s.isRequired()).isTrue();
        assertThat(s.isSecret()).isTrue();
        assertThat(s.description()).isEqualTo("API token");
        assertThat(s.validator()).isSameAs(v);
        assertThat(s.withDefault("x").isRequired()).as("a setting with a default is never required").isFalse();
    }

    /** Shaped like a desk's assignment: a pipeline's stage ids belong to that pipeline. */
    private static ConfigDef pipelineAndStage() {
        return ConfigDef.create()
                .define(Setting.of("pipeline", SettingType.STRING))
                .define(Setting.of("stage", SettingType.STRING))
                .check("stage", s -> s.has("pipeline") && !s.has("stage")
                        ? java.util.Optional.of("a route that sets pipeline must set its stage too")
                        : java.util.Optional.empty());
    }

    @Test
    void aRuleAcrossSettingsReportsItsProblemAgainstItsKey() {
        pipelineAndStage().parse("desk", Map.of("pipeline", "7"), problems);

        assertThat(problems).extracting(ConfigProblem::key).containsExactly("stage");
        assertThat(problems.get(0).message()).contains("must set its stage");
    }

    @Test
    void aRuleAcrossSettingsIsQuietWhenTheyHoldTogether() {
        pipelineAndStage().parse("desk", Map.of("pipeline", "7", "stage", "12"), problems);
        pipelineAndStage().parse("desk", Map.of("stage", "12"), problems);

        assertThat(problems).isEmpty();
    }

    @Test
    void aRuleAcrossSettingsWaitsUntilEachSettingIsFineOnItsOwn() {
        pipelineAndStage().parse("desk", Map.of("pipeline", "7", "colour", "blue"), problems);

        assertThat(problems).extracting(ConfigProblem::key).containsExactly("colour");
    }
}
