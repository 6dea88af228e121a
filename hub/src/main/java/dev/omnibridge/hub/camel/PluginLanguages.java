package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.NoSuchLanguageException;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatResolver;
import org.apache.camel.spi.Language;
import org.apache.camel.spi.LanguageResolver;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Camel languages and data formats bundled in plugin zips (e.g. camel-bean, which Simple's {@code ${body.x}} needs,
 * or camel-jackson's {@code json}), found like {@link PluginComponents} finds components: by their
 * {@code META-INF/services/org/apache/camel/language/<name>} or {@code .../dataformat/<name>} file in a plugin's class
 * loader, once the hub's own resolvers know no such name. The class resolver's extra loaders do not help here: Camel
 * reads those service files through the application class loader only.
 */
final class PluginLanguages implements LanguageResolver, DataFormatResolver {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLanguages.class);
    private static final String LANGUAGES = "META-INF/services/org/apache/camel/language/";
    private static final String DATA_FORMATS = "META-INF/services/org/apache/camel/dataformat/";

    private final LanguageResolver hubLanguages;
    private final DataFormatResolver hubDataFormats;
    private final List<ClassLoader> plugins;

    private PluginLanguages(LanguageResolver hubLanguages, DataFormatResolver hubDataFormats,
                            List<ClassLoader> plugins) {
        this.hubLanguages = hubLanguages;
        this.hubDataFormats = hubDataFormats;
        this.plugins = List.copyOf(plugins);
    }

    static void install(CamelContext camel, List<ClassLoader> plugins) {
        if (plugins.isEmpty()) {
            return;
        }
        PluginLanguages resolver = new PluginLanguages(PluginHelper.getLanguageResolver(camel),
                PluginHelper.getDataFormatResolver(camel), plugins);
        camel.getCamelContextExtension().addContextPlugin(LanguageResolver.class, resolver);
        camel.getCamelContextExtension().addContextPlugin(DataFormatResolver.class, resolver);
    }

    @Override
    public Language resolveLanguage(String name, CamelContext context) {
        try {
            return hubLanguages.resolveLanguage(name, context);
        } catch (NoSuchLanguageException notInHub) {
            return fromPlugins(LANGUAGES, name, context, Language.class).orElseThrow(() -> notInHub);
        }
    }

    @Override
    public DataFormat createDataFormat(String name, CamelContext context) {
        DataFormat own = hubDataFormats.createDataFormat(name, context);
        return own != null ? own : fromPlugins(DATA_FORMATS, name, context, DataFormat.class).orElse(null);
    }

    private <T> Optional<T> fromPlugins(String folder, String name, CamelContext context, Class<T> type) {
        for (ClassLoader loader : plugins) {
            URL url = loader.getResource(folder + name);
            if (url == null) {
                continue;
            }
            Properties service = new Properties();
            try (InputStream in = url.openStream()) {
                service.load(in);
                String className = service.getProperty("class");
                if (className == null) {
                    continue;
                }
                Object made = context.getInjector().newInstance(loader.loadClass(className));
                LOG.info("Camel {} '{}' comes from a plugin ({})", type.getSimpleName(), name, className);
                return Optional.of(type.cast(made));
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                LOG.warn("Camel {} '{}' of a plugin could not be made: {}", type.getSimpleName(), name, e.toString());
            }
        }
        return Optional.empty();
    }
}
