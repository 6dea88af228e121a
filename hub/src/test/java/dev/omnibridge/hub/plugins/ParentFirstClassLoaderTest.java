package dev.omnibridge.hub.plugins;

import dev.omnibridge.spi.ConnectorType;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.DefaultPluginManager;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ParentFirstClassLoaderTest {
    @TempDir
    Path dir;

    private ParentFirstClassLoader loader;

    @BeforeEach
    void createLoader() {
        loader = new ParentFirstClassLoader(new DefaultPluginManager(dir.resolve("plugins")),
                new DefaultPluginDescriptor("acme", "test", null, "1.0.0", "*", "Acme", null),
                ParentFirstClassLoaderTest.class.getClassLoader());
    }

    @AfterEach
    void closeLoader() throws IOException {
        loader.close();
    }

    private static File jarOf(Class<?> type) throws Exception {
        return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.omnibridge.spi.ConnectorType", "dev.omnibridge.model.Message",
            "dev.omnibridge.config.ConfigDef", "dev.omnibridge.webhook.HmacSignatures",
            "dev.omnibridge.privacy.Redact", "org.apache.camel.CamelContext",
            "org.apache.camel.component.http.HttpComponent", "com.fasterxml.jackson.databind.ObjectMapper",
            "org.slf4j.Logger", "jakarta.mail.Session", "jakarta.activation.DataHandler",
            "org.eclipse.angus.mail.imap.IMAPStore", "dev.omnibridge.live.LiveSocket", "dev.omnibridge.net.SafeFetcher",
            "dev.omnibridge.text.TextParts", "dev.omnibridge.calendar.BusinessCalendar"})
    void sharedLibrariesAreTakenFromTheHub(String className) {
        assertThat(ParentFirstClassLoader.isShared(className)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.acme.connector.AcmeType", "dev.omnibridge.connector.webhook.WebhookDesk",
            "dev.omnibridge.hub.Hub", "okhttp3.OkHttpClient", "com.google.gson.Gson", "org.apache.camelot.Knight",
            "org.slf4jx.Thing", "io.vertx.core.Vertx", "io.netty.buffer.ByteBuf", "jakarta.ws.rs.Path"})
    void pluginsOwnAndOtherThirdPartyPackagesAreNotShared(String className) {
        assertThat(ParentFirstClassLoader.isShared(className)).isFalse();
    }

    @Test
    void sharedClassBundledByThePluginStillResolvesToTheHubsCopy() throws Exception {
        loader.addFile(jarOf(CamelContext.class));
        loader.addFile(jarOf(ConnectorType.class));

        assertThat(loader.loadClass(CamelContext.class.getName())).isSameAs(CamelContext.class);
        assertThat(loader.loadClass(ConnectorType.class.getName())).isSameAs(ConnectorType.class);
    }

    @Test
    void nonSharedClassBundledByThePluginIsLoadedFromThePlugin() throws Exception {
        Class<?> hubCopy = com.zaxxer.hikari.HikariConfig.class;
        loader.addFile(jarOf(hubCopy));

        Class<?> loaded = loader.loadClass(hubCopy.getName());

        assertThat(loaded).isNotSameAs(hubCopy);
        assertThat(loaded.getClassLoader()).isSameAs(loader);
    }

    @Test
    void pluginsOwnClassesAndSharedPackageClassesTheHubLacksLoadFromThePlugin() throws Exception {
        Path classes = TestPlugins.compile(dir, dir.resolve("classes"), Map.of(
                "com/acme/Own.java", "package com.acme; public class Own {}",
                "org/apache/camel/acme/Bundled.java", "package org.apache.camel.acme; public class Bundled {}"));
        loader.addFile(classes.toFile());

        assertThat(loader.loadClass("com.acme.Own").getClassLoader()).isSameAs(loader);
        assertThat(loader.loadClass("org.apache.camel.acme.Bundled").getClassLoader()).isSameAs(loader);
    }
}
