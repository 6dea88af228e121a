package dev.omnibridge.hub.camel;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel finds a plugin component's generated helpers (option configurers and the like) as resources through the
 * context's class resolver, which reads the application context class loader only: once plugins are installed, that
 * loader also searches them.
 */
class PluginResourcesTest {
    private static final String CONFIGURER = "META-INF/services/org/apache/camel/configurer/probe-endpoint";

    @TempDir
    Path pluginDir;

    @Test
    void theContextsClassResolverFindsAPluginsConfigurerOnceThePluginIsInstalled() throws Exception {
        Path file = pluginDir.resolve(CONFIGURER);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "class=org.example.ProbeEndpointConfigurer\n");
        try (URLClassLoader plugin = new URLClassLoader(new URL[] {pluginDir.toUri().toURL()},
                getClass().getClassLoader()); DefaultCamelContext camel = new DefaultCamelContext()) {
            assertThat(camel.getClassResolver().loadResourceAsStream(CONFIGURER)).as("before").isNull();

            PluginComponents.install(camel, List.of(plugin));

            try (InputStream in = camel.getClassResolver().loadResourceAsStream(CONFIGURER)) {
                assertThat(in).isNotNull();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("ProbeEndpointConfigurer");
            }
            assertThat(camel.getClassResolver().resolveClass(PluginResourcesTest.class.getName()))
                    .as("the hub's own classes still come from the hub").isSameAs(PluginResourcesTest.class);
        }
    }

    @Test
    void aResourceOfTheHubIsListedOnceThoughEveryPluginLoaderAlsoSeesIt() throws Exception {
        String hubResource = "logback.xml";
        ClassLoader hub = getClass().getClassLoader();
        try (URLClassLoader plugin = new URLClassLoader(new URL[] {pluginDir.toUri().toURL()}, hub)) {
            PluginResources loader = new PluginResources(hub, List.of(plugin));
            assertThat(Collections.list(loader.getResources(hubResource)))
                    .hasSameSizeAs(Collections.list(hub.getResources(hubResource))).isNotEmpty();
        }
    }
}
