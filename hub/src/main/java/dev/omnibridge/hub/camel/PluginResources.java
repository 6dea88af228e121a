package dev.omnibridge.hub.camel;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Camel context's application class loader once plugins bundle components: the hub's loader first, then each
 * plugin's. Camel looks up a component's generated helpers as resources through this loader only (not through the
 * class resolver's added loaders): its option configurers ({@code META-INF/services/org/apache/camel/configurer/
 * kafka-endpoint}), URI factories, health checks. Without them an endpoint such as {@code kafka:t?brokers=h:9092}
 * fails with "parameters that couldn't be set", since the options live in a nested configuration object that only
 * the generated configurer knows.
 */
final class PluginResources extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final List<ClassLoader> plugins;

    PluginResources(ClassLoader hub, List<ClassLoader> plugins) {
        super("omnibridge-camel-plugins", hub);
        this.plugins = List.copyOf(plugins);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        for (ClassLoader plugin : plugins) {
            try {
                return plugin.loadClass(name);
            } catch (ClassNotFoundException notInThisPlugin) {
                // try the next one
            }
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        for (ClassLoader plugin : plugins) {
            URL url = plugin.getResource(name);
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        // A plugin's loader also answers with the hub's resources (its parent): those come from getParent() already.
        Set<String> hub = new HashSet<>();
        for (URL url : Collections.list(getParent().getResources(name))) {
            hub.add(url.toExternalForm());
        }
        List<URL> found = new ArrayList<>();
        for (ClassLoader plugin : plugins) {
            for (URL url : Collections.list(plugin.getResources(name))) {
                if (hub.add(url.toExternalForm())) {
                    found.add(url);
                }
            }
        }
        return Collections.enumeration(found);
    }
}
