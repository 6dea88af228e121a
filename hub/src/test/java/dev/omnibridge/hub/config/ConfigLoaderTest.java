package dev.omnibridge.hub.config;

import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ConfigLoaderTest {
    private static final String HUB = """
            hub:
              adminToken: admin-token-123
            """;

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private ConfigLoader.Result load(String yaml) throws IOException {
        return load(dir.resolve("omnibridge.yaml"), yaml);
    }

    private ConfigLoader.Result load(Path file, String yaml) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return new ConfigLoader(new EnvReferences(env::get)).load(file);
    }

    @Test
    void minimalConfigurationGetsTheDocumentedDefaults() throws IOException {
        ConfigLoader.Result result = load(HUB);

        assertThat(result.problems()).isEmpty();
        assertThat(result.hasFatalProblems()).isFalse();
        HubConfig c = result.config();
        assertThat(c.http().host()).isEqualTo("0.0.0.0");
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.http().maxBodyBytes()).isEqualTo(1_048_576L);
        assertThat(c.publicUrl()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(c.delivery()).isEqualTo(new HubConfig.Delivery(16, 10, Duration.ofSeconds(1),
                Duration.ofMinutes(5)));
        assertThat(c.delivery().order()).as("urgent first by default").isEqualTo(HubConfig.Delivery.Order.PRIORITY);
        assertThat(c.store().embedded()).isTrue();
        assertThat(c.store().compaction()).isTrue();
        assertThat(c.store().compactBelowFill()).isEqualTo(80);
        assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data"));
        assertThat(c.pluginsDir()).isEqualTo(dir.toAbsolutePath().resolve("plugins"));
        assertThat(c.instances()).isEmpty();
        assertThat(c.routes()).isEmpty();
    }

    @Test
    void explicitValuesAreRead() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  http: {host: 127.0.0.1, port: 9090, maxBodyBytes: 2048}
                  publicUrl: https://hub.example.com/
                  adminToken: admin-token-123
                  store: {url: "jdbc:postgresql://db/omnibridge", username: ob, password: pw}
                  delivery: {workers: 4, maxAttempts: 3, initialBackoff: 250ms, maxBackoff: PT2M, window: 500,
                             order: fifo}
                instances:
                  - id: web
                    type: webhook-channel
                    settings: {secret: s, timeout: 5s, list: [a, b], number: 7}
                  - id: desk
                    type: webhook-desk
                    enabled: false
                routes:
                  - from: web
                    to: desk
                """);

        assertThat(result.problems()).isEmpty();
        HubConfig c = result.config();
        assertThat(c.http()).isEqualTo(new HubConfig.Http("127.0.0.1", 9090, 2048));
        assertThat(c.publicUrl()).isEqualTo(URI.create("https://hub.example.com"));
        assertThat(c.store().embedded()).isFalse();
        assertThat(c.store().url()).isEqualTo("jdbc:postgresql://db/omnibridge");
        assertThat(c.delivery()).isEqualTo(new HubConfig.Delivery(4, 3, Duration.ofMillis(250),
                Duration.ofMinutes(2), 500, HubConfig.Delivery.Order.FIFO,
                HubConfig.Delivery.DEFAULT_FILE_LINK_VALIDITY)); // with publicUrl: links to stored files (issue 24)
        assertThat(c.instance("web")).get().satisfies(i -> {
            assertThat(i.enabled()).isTrue();
            assertThat(i.settings()).containsEntry("secret", "s").containsEntry("timeout", "5s")
                    .containsEntry("list", List.of("a", "b")).containsEntry("number", "7");
        });
        assertThat(c.instance("desk")).get().extracting(HubConfig.Instance::enabled).isEqualTo(false);
        assertThat(c.desksFor("web")).containsExactly("desk");
    }

    @Test
    void environmentReferencesAreReplacedAndFallbacksUsedWhenUnset() throws IOException {
        env.put("ADMIN", "from-env-admin-token");
        env.put("WEB_SECRET", "web-$ecret\\1");
        env.put("PORT", "9191");
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: ${env:ADMIN}
                  http: {port: "${env:PORT}"}
                instances:
                  - id: web
                    type: webhook-channel
                    settings:
                      secret: ${env:WEB_SECRET}
                      callbackUrl: http://${env:CB_HOST:-localhost}:${env:CB_PORT:-9000}/replies
                      timeout: ${env:PORT:-ignored}s
                      empty: "${env:NOPE:-}"
                """);

        assertThat(result.problems()).isEmpty();
        HubConfig c = result.config();
        assertThat(c.adminToken()).isEqualTo("from-env-admin-token");
        assertThat(c.http().port()).isEqualTo(9191);
        assertThat(c.instance("web").orElseThrow().settings())
                .containsEntry("secret", "web-$ecret\\1")
                .containsEntry("callbackUrl", "http://localhost:9000/replies")
                .containsEntry("timeout", "9191s")
                .containsEntry("empty", "");
    }

    @Test
    void missingEnvironmentVariableIsReportedWithInstanceAndKeyButNeverAValue() throws IOException {
        env.put("DESK_SECRET", "super-secret-desk-value");
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: admin-token-123
                instances:
                  - id: web
                    type: webhook-channel
                    settings:
                      secret: ${env:WEB_SECRET}
                  - id: desk
                    type: webhook-desk
                    settings:
                      secret: prefix-${env:DESK_SECRET}-${env:DESK_SUFFIX}
                """);

        assertThat(result.problems())
                .extracting(ConfigProblem::instanceId, ConfigProblem::key)
                .containsExactlyInAnyOrder(tuple("web", "secret"), tuple("desk", "secret"));
        assertThat(result.problems()).anySatisfy(p -> assertThat(p.message()).contains("WEB_SECRET"));
        assertThat(result.problems()).anySatisfy(p -> assertThat(p.message()).contains("DESK_SUFFIX"));
        assertThat(result.problems().toString()).doesNotContain("super-secret-desk-value");
        // An instance's problem fails that instance, not the hub.
        assertThat(result.hasFatalProblems()).isFalse();
    }

    @Test
    void missingEnvironmentVariableInTheHubSectionIsFatal() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: ${env:OMNIBRIDGE_ADMIN_TOKEN}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::instanceId).containsOnlyNulls();
        assertThat(result.problems()).extracting(ConfigProblem::key).contains("hub.adminToken");
        assertThat(result.problems()).anySatisfy(p ->
                assertThat(p.message()).contains("OMNIBRIDGE_ADMIN_TOKEN").contains("not set"));
        assertThat(result.hasFatalProblems()).isTrue();
    }

    @Test
    void duplicateInstanceIdIsReportedAndOnlyTheFirstKept() throws IOException {
        ConfigLoader.Result result = load(HUB + """
                instances:
                  - {id: desk, type: webhook-desk}
                  - {id: desk, type: other-desk}
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isEqualTo("desk#1");
            assertThat(p.key()).isEqualTo("id");
            assertThat(p.message()).contains("more than one instance");
        });
        assertThat(result.config().instances()).singleElement()
                .extracting(HubConfig.Instance::type).isEqualTo("webhook-desk");
        assertThat(result.rejected()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo("desk#1");
            assertThat(i.type()).isEqualTo("other-desk");
        });
    }

    @Test
    void instanceWithABadOrDuplicateIdStillHasItsOtherProblemsReported() throws IOException {
        ConfigLoader.Result result = load(HUB + """
                instances:
                  - {id: desk, type: webhook-desk}
                  - {id: desk, settings: [not, a, mapping]}
                  - {id: Web_1, colour: red}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::instanceId, ConfigProblem::key).containsExactly(
                tuple("desk#1", "id"), tuple("desk#1", "type"), tuple("desk#1", "settings"),
                tuple("Web_1", "colour"), tuple("Web_1", "id"), tuple("Web_1", "type"));
        assertThat(result.config().instances()).extracting(HubConfig.Instance::id).containsExactly("desk");
    }

    @Test
    void instanceIdThatIsNotLowerCaseLettersDigitsAndDashesIsRejected() throws IOException {
        ConfigLoader.Result result = load(HUB + """
                instances:
                  - {id: Web_1, type: webhook-channel}
                  - {id: -web, type: webhook-channel}
                  - {type: webhook-channel}
                  - {id: ok-1, type: webhook-channel}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::instanceId, ConfigProblem::key)
                .containsExactly(tuple("Web_1", "id"), tuple("-web", "id"), tuple("#2", "id"));
        assertThat(result.config().instances()).extracting(HubConfig.Instance::id).containsExactly("ok-1");
    }

    @Test
    void instanceWithoutTypeIsReported() throws IOException {
        ConfigLoader.Result result = load(HUB + """
                instances:
                  - {id: web}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::instanceId, ConfigProblem::key)
                .containsExactly(tuple("web", "type"));
    }

    @Test
    void unknownTopLevelHubAndInstanceKeysAreReported() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: admin-token-123
                  datadir: ./data
                  http: {prot: 80}
                  delivery: {retries: 3}
                instance:
                  - id: web
                instances:
                  - {id: web, type: webhook-channel, setings: {}}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::instanceId, ConfigProblem::key)
                .containsExactlyInAnyOrder(tuple(null, "instance"), tuple(null, "hub.datadir"),
                        tuple(null, "hub.http.prot"), tuple(null, "hub.delivery.retries"), tuple("web", "setings"));
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.message()).startsWith("unknown key"));
    }

    @Test
    void routeNamingAnUnknownInstanceIsReported() throws IOException {
        ConfigLoader.Result result = load(HUB + """
                instances:
                  - {id: web, type: webhook-channel}
                  - {id: desk, type: webhook-desk}
                routes:
                  - from: web
                    to: [desk, nowhere]
                  - from: ghost
                    to: [desk]
                  - from: web
                    to: []
                """);

        assertThat(result.problems()).extracting(ConfigProblem::key, ConfigProblem::message)
                .containsExactlyInAnyOrder(
                        tuple("routes[0].to", "names unknown instance 'nowhere'"),
                        tuple("routes[1].from", "names unknown instance 'ghost'"),
                        tuple("routes[2].to", "must name at least one desk instance"));
    }

    @Test
    void badPortNumbersAndDurationsAreReportedAndDefaultsKept() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: admin-token-123
                  http: {port: eighty, maxBodyBytes: 0}
                  delivery: {workers: 0, initialBackoff: 5 minutes, maxBackoff: soon, window: 0, order: lifo}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "hub.http.port", "hub.http.maxBodyBytes", "hub.delivery.workers", "hub.delivery.initialBackoff",
                "hub.delivery.maxBackoff", "hub.delivery.window", "hub.delivery.order");
        assertThat(result.problems()).filteredOn(p -> p.key().equals("hub.delivery.order")).singleElement()
                .extracting(ConfigProblem::message).asString().contains("priority or fifo").contains("lifo");
        assertThat(result.problems()).filteredOn(p -> p.key().equals("hub.http.port")).singleElement()
                .extracting(ConfigProblem::message).asString().contains("whole number").contains("eighty");
        assertThat(result.problems()).filteredOn(p -> p.key().equals("hub.delivery.initialBackoff"))
                .singleElement().extracting(ConfigProblem::message).asString().contains("duration")
                .contains("5 minutes");
        assertThat(result.hasFatalProblems()).isTrue();
        assertThat(result.config().http().port()).isEqualTo(8080);
        assertThat(result.config().delivery().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void storeCompactionCanBeTurnedOffOrTunedAndBadValuesAreReported() throws IOException {
        ConfigLoader.Result off = load("""
                hub:
                  adminToken: admin-token-123
                  store: {compaction: false, compactBelowFill: 60}
                """);
        assertThat(off.problems()).isEmpty();
        assertThat(off.config().store().compaction()).isFalse();
        assertThat(off.config().store().compactBelowFill()).isEqualTo(60);

        ConfigLoader.Result bad = load("""
                hub:
                  adminToken: admin-token-123
                  store: {compaction: sometimes, compactBelowFill: 101}
                """);
        assertThat(bad.problems()).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("hub.store.compaction", "hub.store.compactBelowFill");
        assertThat(bad.problems()).filteredOn(p -> p.key().equals("hub.store.compaction")).singleElement()
                .extracting(ConfigProblem::message).asString().contains("true or false").contains("sometimes");
        assertThat(bad.config().store().compaction()).isTrue();
        assertThat(bad.config().store().compactBelowFill()).isEqualTo(80);
    }

    @Test
    void portOutOfRangeIsReported() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: admin-token-123
                  http: {port: 70000}
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("hub.http.port");
            assertThat(p.message()).contains("between 0 and 65535");
        });
    }

    @Test
    void everyProblemIsCollectedInOnePass() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  http: {port: -1}
                  delivery: {maxBackoff: never}
                  colour: blue
                instances:
                  - {id: BAD, type: x}
                  - {id: web, type: webhook-channel, settings: {secret: "${env:MISSING}"}}
                  - {id: web, type: webhook-channel}
                routes:
                  - {from: web, to: [nowhere]}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "hub.adminToken", "hub.http.port", "hub.delivery.maxBackoff", "hub.colour", "id", "secret", "id",
                "routes[0].to");
    }

    @Test
    void relativeDirectoriesAreResolvedAgainstTheConfigFilesDirectory() throws IOException {
        Path file = dir.resolve("etc/omnibridge/hub.yaml");
        Path absolutePlugins = dir.resolve("opt/plugins").toAbsolutePath();
        ConfigLoader.Result result = load(file, """
                hub:
                  adminToken: admin-token-123
                  dataDir: ../../var/data
                  pluginsDir: %s
                """.formatted(absolutePlugins));

        assertThat(result.problems()).isEmpty();
        assertThat(result.config().dataDir()).isEqualTo(dir.toAbsolutePath().resolve("var/data"));
        assertThat(result.config().pluginsDir()).isEqualTo(absolutePlugins);
    }

    @Test
    void publicUrlDefaultsToLocalhostOnTheConfiguredPortAndMustBeAbsolute() throws IOException {
        ConfigLoader.Result defaulted = load("hub: {adminToken: admin-token-123, http: {port: 9090}}\n");
        ConfigLoader.Result relative = load("hub: {adminToken: admin-token-123, publicUrl: hub.example.com}\n");
        ConfigLoader.Result malformed = load("hub: {adminToken: admin-token-123, publicUrl: 'http://a b'}\n");

        assertThat(defaulted.config().publicUrl()).isEqualTo(URI.create("http://localhost:9090"));
        assertThat(relative.problems()).extracting(ConfigProblem::key).containsExactly("hub.publicUrl");
        assertThat(malformed.problems()).extracting(ConfigProblem::key).containsExactly("hub.publicUrl");
    }

    @Test
    void adminTokenIsRequired() throws IOException {
        ConfigLoader.Result missing = load("hub: {}\n");
        ConfigLoader.Result tooShort = load("hub: {adminToken: short}\n");

        for (ConfigLoader.Result result : List.of(missing, tooShort)) {
            assertThat(result.problems()).extracting(ConfigProblem::key).containsExactly("hub.adminToken");
            assertThat(result.hasFatalProblems()).isTrue();
        }
    }

    @Test
    void unreadableYamlIsFatalWithoutAConfiguration() throws IOException {
        ConfigLoader.Result syntax = load("hub: [unclosed\n");
        ConfigLoader.Result notAMapping = load("- just\n- a list\n");

        assertThat(syntax.config()).isNull();
        assertThat(syntax.hasFatalProblems()).isTrue();
        assertThat(syntax.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("YAML syntax error");
        assertThat(notAMapping.config()).isNull();
        assertThat(notAMapping.hasFatalProblems()).isTrue();
    }

    @Test
    void yamlSyntaxErrorNamesLineAndColumnButNeverTheText() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: admin-token-123
                instances:
                  - id: web
                    settings: {secret: hunter2-long-secret, url: [http://a
                routes: []
                """);

        assertThat(result.config()).isNull();
        assertThat(result.hasFatalProblems()).isTrue();
        assertThat(result.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("YAML syntax error at line 6, column 7")
                .contains("expected ',' or ']'")
                .doesNotContain("hunter2").doesNotContain("\n");
    }

    @Test
    void tabIndentationIsReportedAtItsLine() throws IOException {
        ConfigLoader.Result result = load("hub:\n\tadminToken: admin-token-123\n");

        assertThat(result.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("line 2, column 1").contains("TAB");
    }

    @Test
    void aKeyGivenTwiceIsASyntaxErrorAtItsSecondPlace() throws IOException {
        ConfigLoader.Result result = load("""
                hub:
                  adminToken: admin-token-123
                  adminToken: admin-token-456
                """);

        assertThat(result.config()).isNull();
        assertThat(result.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("line 3").contains("'adminToken' is given twice").doesNotContain("admin-token-456");
    }

    @Test
    void aMissingFileIsSaidPlainly() {
        Path missing = dir.resolve("nowhere/omnibridge.yaml");

        ConfigLoader.Result result = new ConfigLoader(new EnvReferences(env::get)).load(missing);

        assertThat(result.config()).isNull();
        assertThat(result.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .isEqualTo("configuration file " + missing + " does not exist");
    }

    @Test
    void aDirectoryInsteadOfAFileIsSaidPlainly() {
        ConfigLoader.Result result = new ConfigLoader(new EnvReferences(env::get)).load(dir);

        assertThat(result.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .isEqualTo(dir + " is a directory, not a configuration file");
    }

    @Test
    void weakAdminTokenIsRefusedWithTheReasonButNotTheValue() throws IOException {
        ConfigLoader.Result shortToken = load("hub: {adminToken: abc12}\n");
        ConfigLoader.Result repetitive = load("hub: {adminToken: aaaaaaaaaaaaaaaa}\n");

        assertThat(shortToken.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("hub.adminToken");
            assertThat(p.message()).contains("too short").contains("5 characters").doesNotContain("abc12");
        });
        assertThat(repetitive.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("hub.adminToken");
            assertThat(p.message()).contains("1 different character").doesNotContain("aaaa");
        });
        assertThat(shortToken.hasFatalProblems()).isTrue();
    }
}
