package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;

import java.util.Map;
import java.util.Properties;

/**
 * The {@code properties} of the instance whose routes are being created, as a source of the context's
 * {@code {{placeholders}}}, on the creating thread only. Camel's own "local properties" do not fit: Camel clears them
 * after each route it creates, so the second route of a file no longer saw them.
 */
final class InstanceProperties implements PropertiesSource {
    static final String NAME = "omnibridge-instance-properties";
    private static final ThreadLocal<Properties> CURRENT = new ThreadLocal<>();

    private InstanceProperties() {
    }

    /** Runs {@code work} with {@code properties} visible to placeholders on this thread. */
    static void during(CamelContext camel, Map<String, String> properties, Work work) throws Exception {
        PropertiesComponent placeholders = camel.getPropertiesComponent();
        synchronized (placeholders) {
            if (placeholders.getPropertiesSource(NAME) == null) {
                placeholders.addPropertiesSource(new InstanceProperties());
            }
        }
        Properties local = new Properties();
        local.putAll(properties);
        CURRENT.set(local);
        try {
            work.run();
        } finally {
            CURRENT.remove();
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getProperty(String name) {
        Properties current = CURRENT.get();
        return current == null ? null : current.getProperty(name);
    }

    interface Work {
        void run() throws Exception;
    }
}
