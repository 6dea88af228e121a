package dev.omnibridge.connector.webhookdesk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the plugin was built as, from {@code plugin-version.properties} next to its classes. */
final class PluginVersion {
    private PluginVersion() {
    }

    static String of(Class<?> type) {
        try (InputStream in = type.getResourceAsStream("plugin-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "unknown").strip();
            return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
