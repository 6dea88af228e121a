package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentResolver;
import org.apache.camel.spi.TypeConverterLoader;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Camel components bundled in plugin zips: a component the hub's class path lacks is looked up by its
 * {@code META-INF/services/org/apache/camel/component/<scheme>} file in each plugin's class loader (the hub's
 * {@link ComponentResolver}). The plugins' loaders are also added to the context's class resolver, so Camel finds
 * their option configurers, data formats and languages the same way, and the plugin's type converters are loaded
 * with its first component.
 */
final class PluginComponents implements ComponentResolver {
    private static final Logger LOG = LoggerFactory.getLogger(PluginComponents.class);
    private static final String COMPONENTS = "META-INF/services/org/apache/camel/component/";
    private static final String CONVERTERS = "META-INF/services/org/apache/camel/TypeConverterLoader";

    private final ComponentResolver hub;
    private final List<ClassLoader> plugins;
    private final Set<ClassLoader> convertersLoaded = ConcurrentHashMap.newKeySet();

    private PluginComponents(ComponentResolver hub, List<ClassLoader> plugins) {
        this.hub = hub;
        this.plugins = List.copyOf(plugins);
    }

    static void install(CamelContext camel, List<ClassLoader> plugins) {
        if (plugins.isEmpty()) {
            return;
        }
        plugins.forEach(camel.getClassResolver()::addClassLoader);
        ComponentResolver hub = PluginHelper.getComponentResolver(camel);
        camel.getCamelContextExtension().addContextPlugin(ComponentResolver.class,
                new PluginComponents(hub, plugins));
    }

    @Override
    public Component resolveComponent(String name, CamelContext context) throws Exception {
        Component own = hub.resolveComponent(name, context);
        if (own != null) {
            return own;
        }
        for (ClassLoader loader : plugins) {
            URL url = loader.getResource(COMPONENTS + name);
            if (url == null) {
                continue;
            }
            Properties p = new Properties();
            try (InputStream in = url.openStream()) {
                p.load(in);
            }
            String type = p.getProperty("class");
            if (type == null) {
                continue;
            }
            Class<?> cls = loader.loadClass(type);
            loadConverters(loader, context);
            Component component = (Component) context.getInjector().newInstance(cls);
            LOG.info("Camel component '{}' comes from a plugin ({})", name, cls.getName());
            return component;
        }
        return null;
    }

    /** A plugin's type converters (e.g. camel-jackson's), registered once per plugin. */
    private void loadConverters(ClassLoader loader, CamelContext context) {
        if (!convertersLoaded.add(loader)) {
            return;
        }
        try {
            for (URL url : Collections.list(loader.getResources(CONVERTERS))) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(url.openStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        String name = line.strip();
                        if (name.isEmpty() || name.startsWith("#")) {
                            continue;
                        }
                        Class<?> cls;
                        try {
                            cls = loader.loadClass(name);
                        } catch (ClassNotFoundException e) {
                            continue;
                        }
                        if (cls.getClassLoader() != loader) {
                            continue; // the hub's own converters are loaded already
                        }
                        ((TypeConverterLoader) cls.getDeclaredConstructor().newInstance())
                                .load(context.getTypeConverterRegistry());
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("Type converters of a plugin could not be loaded: {}", e.toString());
        }
    }
}
