package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentResolver;
import org.apache.camel.spi.LanguageResolver;
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
import java.util.function.Supplier;

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
    private static final String LANGUAGES = "META-INF/services/org/apache/camel/language/";
    private static final String CONVERTERS = "META-INF/services/org/apache/camel/TypeConverterLoader";

    private final ComponentResolver hub;
    // Asked on every look-up, so that a plugin unloaded while the hub runs (issue 24) is no longer searched and its
    // class loader not held here.
    private final Supplier<List<ClassLoader>> plugins;
    // Weak: an unloaded plugin's loader must not be kept alive by the record of its converters.
    private final Set<ClassLoader> convertersLoaded = Collections.synchronizedSet(
            Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private PluginComponents(ComponentResolver hub, Supplier<List<ClassLoader>> plugins) {
        this.hub = hub;
        this.plugins = plugins;
    }

    static void install(CamelContext camel, List<ClassLoader> plugins) {
        if (plugins.isEmpty()) {
            return;
        }
        List<ClassLoader> fixed = List.copyOf(plugins);
        install(camel, () -> fixed);
    }

    /** @param plugins the class loaders of the plugins loaded now (the list may change while the hub runs) */
    static void install(CamelContext camel, Supplier<List<ClassLoader>> plugins) {
        // Service files (configurers, languages, data formats) are read through the class resolver: it looks in
        // the plugins after the hub.
        camel.setClassResolver(new PluginClassResolver(camel, plugins));
        ComponentResolver hub = PluginHelper.getComponentResolver(camel);
        PluginComponents components = new PluginComponents(hub, plugins);
        camel.getCamelContextExtension().addContextPlugin(ComponentResolver.class, components);
        LanguageResolver hubLanguages = PluginHelper.getLanguageResolver(camel.getCamelContextExtension());
        camel.getCamelContextExtension().addContextPlugin(LanguageResolver.class,
                (name, context) -> components.language(hubLanguages, name, context));
        // The plugins' type converters now: a language or data format found through the class resolver (jq needs
        // camel-jackson's String to JsonNode) never passes through this resolver.
        plugins.get().forEach(loader -> components.loadConverters(loader, camel));
    }

    /** The hub's language, else one a plugin bundles ({@code META-INF/services/org/apache/camel/language/<name>}). */
    private org.apache.camel.spi.Language language(LanguageResolver hubLanguages, String name, CamelContext context) {
        try {
            return hubLanguages.resolveLanguage(name, context);
        } catch (org.apache.camel.NoSuchLanguageException notInHub) {
            try {
                Class<?> cls = pluginClass(LANGUAGES + name, context);
                if (cls != null) {
                    LOG.info("Camel language '{}' comes from a plugin ({})", name, cls.getName());
                    return (org.apache.camel.spi.Language) context.getInjector().newInstance(cls);
                }
            } catch (Exception e) {
                LOG.warn("Camel language '{}' of a plugin could not be loaded: {}", name, e.toString());
            }
            throw notInHub;
        }
    }

    /** The class a plugin's service file names, its plugin's type converters loaded; null when no plugin has one. */
    private Class<?> pluginClass(String serviceFile, CamelContext context) throws Exception {
        for (ClassLoader loader : plugins.get()) {
            URL url = loader.getResource(serviceFile);
            if (url == null) {
                continue;
            }
            Properties p = new Properties();
            try (InputStream in = url.openStream()) {
                p.load(in);
            }
            String type = p.getProperty("class");
            if (type != null) {
                loadConverters(loader, context);
                return loader.loadClass(type);
            }
        }
        return null;
    }

    /** A class resolver that finds resources and classes in the plugins when the hub has none. */
    private static final class PluginClassResolver extends org.apache.camel.impl.engine.DefaultClassResolver {
        private final Supplier<List<ClassLoader>> plugins;

        PluginClassResolver(CamelContext camel, Supplier<List<ClassLoader>> plugins) {
            super(camel);
            // Not addClassLoader: Camel would try them before the hub's; these are searched after it.
            this.plugins = plugins;
        }

        @Override
        public InputStream loadResourceAsStream(String uri) {
            InputStream own = super.loadResourceAsStream(uri);
            if (own != null) {
                return own;
            }
            URL url = fromPlugins(uri);
            try {
                return url == null ? null : url.openStream();
            } catch (java.io.IOException e) {
                return null;
            }
        }

        @Override
        public URL loadResourceAsURL(String uri) {
            URL own = super.loadResourceAsURL(uri);
            return own != null ? own : fromPlugins(uri);
        }

        @Override
        public Class<?> resolveClass(String name) {
            Class<?> own = super.resolveClass(name);
            if (own != null) {
                return own;
            }
            for (ClassLoader loader : plugins.get()) {
                try {
                    return loader.loadClass(name);
                } catch (ClassNotFoundException | LinkageError notThere) {
                    // the next plugin
                }
            }
            return null;
        }

        private URL fromPlugins(String uri) {
            String path = uri.startsWith("/") ? uri.substring(1) : uri;
            for (ClassLoader loader : plugins.get()) {
                URL url = loader.getResource(path);
                if (url != null) {
                    return url;
                }
            }
            return null;
        }
    }

    @Override
    public Component resolveComponent(String name, CamelContext context) throws Exception {
        Component own = hub.resolveComponent(name, context);
        if (own != null) {
            return own;
        }
        Class<?> cls = pluginClass(COMPONENTS + name, context);
        if (cls == null) {
            return null;
        }
        Component component = (Component) context.getInjector().newInstance(cls);
        LOG.info("Camel component '{}' comes from a plugin ({})", name, cls.getName());
        return component;
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
