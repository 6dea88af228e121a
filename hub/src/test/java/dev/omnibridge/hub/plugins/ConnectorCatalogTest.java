package dev.omnibridge.hub.plugins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pf4j.PluginClassLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorCatalogTest {
    @TempDir
    Path dir;

    @Test
    void missingPluginsDirectoryYieldsNoTypesAndNoCrash() {
        ConnectorCatalog catalog = ConnectorCatalog.load(dir.resolve("does-not-exist"));
        try {
            assertThat(catalog.types()).isEmpty();
            assertThat(catalog.find("webhook-channel")).isEmpty();
        } finally {
            catalog.close();
        }
    }

    @Test
    void emptyPluginsDirectoryYieldsNoTypesAndNoProblems() throws Exception {
        ConnectorCatalog catalog = ConnectorCatalog.load(Files.createDirectories(dir.resolve("plugins")));
        try {
            assertThat(catalog.types()).isEmpty();
            assertThat(catalog.problems()).isEmpty();
        } finally {
            catalog.close();
        }
    }

    @Test
    void corruptPluginFilesAreReportedByNameWithoutThrowing() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        Files.write(plugins.resolve("omnibridge-broken-0.1.0-plugin.zip"), junk);
        Files.write(plugins.resolve("half.jar"), junk);
        Files.writeString(plugins.resolve("README.txt"), "not a plugin");

        ConnectorCatalog catalog = ConnectorCatalog.load(plugins);
        try {
            assertThat(catalog.types()).isEmpty();
            assertThat(catalog.problems())
                    .anySatisfy(p -> assertThat(p).contains("omnibridge-broken-0.1.0-plugin.zip"))
                    .anySatisfy(p -> assertThat(p).contains("half.jar"))
                    .noneSatisfy(p -> assertThat(p).contains("README.txt"));
        } finally {
            catalog.close();
        }
    }

    @Test
    void pluginZipProvidesItsConnectorTypeNextToACorruptOne() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path classes = TestPlugins.compile(dir, dir.resolve("classes"), Map.of(
                "com/acme/connector/AcmeType.java",
                TestPlugins.connectorType("com.acme.connector", "AcmeType", "acme-desk")));
        TestPlugins.pluginZip(plugins.resolve("omnibridge-acme-1.2.3-plugin.zip"), "acme", classes,
                "com.acme.connector.AcmeType");
        byte[] junk = new byte[1024];
        new Random(7).nextBytes(junk);
        Files.write(plugins.resolve("broken.zip"), junk);

        ConnectorCatalog catalog = ConnectorCatalog.load(plugins);
        try {
            assertThat(catalog.types()).containsOnlyKeys("acme-desk");
            ConnectorCatalog.Entry entry = catalog.find("acme-desk").orElseThrow();
            assertThat(entry.pluginId()).isEqualTo("acme");
            assertThat(entry.pluginVersion()).isEqualTo("1.2.3");
            assertThat(entry.type().description()).isEqualTo("test connector");
            assertThat(entry.type().getClass().getClassLoader()).isInstanceOf(ParentFirstClassLoader.class)
                    .isSameAs(entry.classLoader());
            assertThat(catalog.problems()).singleElement().asString().contains("broken.zip");
            assertThat(catalog.plugins()).containsExactly(new ConnectorCatalog.PluginStatus("acme", "1.2.3", null,
                    "STARTED", null, List.of("acme-desk")));
        } finally {
            catalog.close();
        }
    }

    @Test
    void connectorTypeProvidedByTwoPluginsIsReportedAndTheFirstKept() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path one = TestPlugins.compile(dir, dir.resolve("one"), Map.of("com/one/OneType.java",
                TestPlugins.connectorType("com.one", "OneType", "same-type")));
        Path two = TestPlugins.compile(dir, dir.resolve("two"), Map.of("com/two/TwoType.java",
                TestPlugins.connectorType("com.two", "TwoType", "same-type")));
        TestPlugins.pluginZip(plugins.resolve("one.zip"), "one", one, "com.one.OneType");
        TestPlugins.pluginZip(plugins.resolve("two.zip"), "two", two, "com.two.TwoType");

        ConnectorCatalog catalog = ConnectorCatalog.load(plugins);
        try {
            assertThat(catalog.types()).containsOnlyKeys("same-type");
            assertThat(catalog.problems()).singleElement().asString().contains("same-type")
                    .contains("provided by both");
        } finally {
            catalog.close();
        }
    }

    @ParameterizedTest(name = "{0} plugin(s)")
    @ValueSource(ints = {1, 2, 3})
    void closingTheCatalogStopsAndUnloadsEveryPlugin(int pluginCount) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (int i = 0; i < pluginCount; i++) {
            Path classes = TestPlugins.compile(dir, dir.resolve("classes" + i), Map.of(
                    "com/p" + i + "/Type" + i + ".java",
                    TestPlugins.connectorType("com.p" + i, "Type" + i, "type-" + i)));
            TestPlugins.pluginZip(plugins.resolve("p" + i + ".zip"), "p" + i, classes, "com.p" + i + ".Type" + i);
        }
        ConnectorCatalog catalog = ConnectorCatalog.load(plugins);
        assertThat(catalog.types()).hasSize(pluginCount);
        List<PluginClassLoader> loaders = new ArrayList<>();
        catalog.types().values().forEach(e -> loaders.add((PluginClassLoader) e.classLoader()));

        catalog.close();

        assertThat(loaders).allSatisfy(l -> assertThat(l.isClosed()).isTrue());
    }
}
