package dev.omnibridge.hub.plugins;

import dev.omnibridge.spi.ConnectorType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The semantic version of the plugin API this hub runs with, as the plugin-api jar's build recorded it
 * ({@code dev/omnibridge/spi/plugin-api.properties}). Plugins declare the range they need in {@code plugin.requires}.
 */
public final class PluginApiVersion {
    private static final String CURRENT = read();

    private PluginApiVersion() {
    }

    /** The version as built, e.g. {@code 1.1.0-SNAPSHOT}. */
    public static String current() {
        return CURRENT;
    }

    /**
     * The version PF4J compares plugins' {@code plugin.requires} with: {@link #current()} without its qualifier,
     * e.g. {@code 1.1.0}. A pre-release version satisfies no range such as {@code >=1.1.0 & <2.0.0} in
     * java-semver, so a development hub would refuse its own bundled plugins.
     */
    public static String release() {
        return withoutQualifier(CURRENT);
    }

    static String withoutQualifier(String version) {
        int cut = version.length();
        for (char c : new char[] {'-', '+'}) {
            int at = version.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return version.substring(0, cut);
    }

    private static String read() {
        try (InputStream in = ConnectorType.class.getResourceAsStream("plugin-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("the plugin API jar has no dev/omnibridge/spi/plugin-api.properties");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "").strip();
            if (!version.matches("\\d+\\.\\d+\\.\\d+([-+].*)?")) {
                throw new IllegalStateException("the plugin API's version is not semantic: '" + version + "'");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
