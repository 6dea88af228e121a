package dev.omnibridge.hub.plugins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 24: a plugin unloaded and loaded again while the catalog stays open; its old class loader is freed. */
class ConnectorCatalogReloadTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedPluginsOldClassLoaderIsReleasedAndTheNewVersionProvidesTheType() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path zip = plugins.resolve("acme.zip");
        pluginZip(zip, "1.0.0", compiled("v1", "first version"));
        ConnectorCatalog catalog = ConnectorCatalog.load(plugins);
        try {
            WeakReference<ClassLoader> oldLoader = new WeakReference<>(loaderOf(catalog));
            assertThat(catalog.loaded()).singleElement().satisfies(l -> {
                assertThat(l.pluginId()).isEqualTo("acme");
                assertThat(l.path().getFileName().toString()).isEqualTo("acme"); // PF4J's expansion of acme.zip
            });

            assertThat(catalog.unload("acme", true)).containsExactly("acme-desk");
            assertThat(catalog.find("acme-desk")).isEmpty();
            assertThat(catalog.pluginClassLoaders()).isEmpty();
            assertThat(plugins.resolve("acme")).doesNotExist();

            pluginZip(zip, "2.0.0", compiled("v2", "second version"));
            ConnectorCatalog.LoadOutcome outcome = catalog.loadFile(zip);

            assertThat(outcome.problem()).isNull();
            assertThat(outcome.pluginId()).isEqualTo("acme");
            assertThat(outcome.version()).isEqualTo("2.0.0");
            assertThat(outcome.types()).containsExactly("acme-desk");
            ConnectorCatalog.Entry entry = catalog.find("acme-desk").orElseThrow();
            assertThat(entry.pluginVersion()).isEqualTo("2.0.0");
            assertThat(entry.type().description()).isEqualTo("second version");
            assertThat(released(oldLoader)).as("the first version's class loader is garbage collected").isTrue();
        } finally {
            catalog.close();
        }
    }

    @Test
    void aRemovedPluginLeavesNoTypeAndAFileThatDoesNotLoadIsReportedWithoutThrowing() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        pluginZip(plugins.resolve("acme.zip"), "1.0.0", compiled("v1", "first version"));
        ConnectorCatalog catalog = ConnectorCatalog.load(plugins);
        try {
            Files.delete(plugins.resolve("acme.zip"));
            catalog.unload("acme", true);
            assertThat(catalog.types()).isEmpty();
            assertThat(catalog.loaded()).isEmpty();

            Path junk = Files.write(plugins.resolve("junk.zip"), new byte[]{1, 2, 3});
            ConnectorCatalog.LoadOutcome outcome = catalog.loadFile(junk);
            assertThat(outcome.pluginId()).isNull();
            assertThat(outcome.problem()).contains("junk.zip");
        } finally {
            catalog.close();
        }
    }

    private static ClassLoader loaderOf(ConnectorCatalog catalog) {
        return catalog.find("acme-desk").orElseThrow().classLoader();
    }

    /** Polls the garbage collector for a while: true once nothing holds the loader any more. */
    private static boolean released(WeakReference<ClassLoader> loader) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            System.gc();
            if (loader.get() == null) {
                return true;
            }
            Thread.sleep(20); // gives the collector's reference handler its turn
        }
        return false;
    }

    private Path compiled(String name, String description) throws IOException {
        String source = TestPlugins.connectorType("com.acme.connector", "AcmeType", "acme-desk")
                .replace("\"test connector\"", "\"" + description + "\"");
        return TestPlugins.compile(dir, dir.resolve("classes-" + name), Map.of("com/acme/connector/AcmeType.java",
                source));
    }

    private static void pluginZip(Path zip, String version, Path classes) throws IOException {
        Path tmp = zip.resolveSibling(zip.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(os)) {
            put(z, "plugin.properties", ("plugin.id=acme\nplugin.version=" + version
                    + "\nplugin.provider=Acme\nplugin.description=test plugin\n").getBytes());
            put(z, "classes/META-INF/extensions.idx", "com.acme.connector.AcmeType\n".getBytes());
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    put(z, "classes/" + classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                }
            }
        }
        Files.move(tmp, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }
}
