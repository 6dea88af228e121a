package dev.omnibridge.hub.plugins;

import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginWrapper;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PF4J's default manager (zip, jar and directory plugins) with parent-first loading of the shared libraries, that
 * checks each plugin's {@code plugin.requires} against the plugin API version the hub runs with.
 */
final class HubPluginManager extends DefaultPluginManager {
    /** Plugins refused for their required API version: plugin id to the reason, naming both versions. */
    private final Map<String, String> refused = new ConcurrentHashMap<>();

    /** @param apiVersion the plugin API's version without qualifier, e.g. {@code 1.1.0} */
    HubPluginManager(Path pluginsDir, String apiVersion) {
        super(pluginsDir);
        setSystemVersion(apiVersion);
    }

    @Override
    protected PluginLoader createPluginLoader() {
        ClassLoader hub = HubPluginManager.class.getClassLoader();
        return new CompoundPluginLoader()
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new ParentFirstClassLoader(pluginManager, descriptor, hub);
                    }
                })
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new ParentFirstClassLoader(pluginManager, descriptor, hub);
                    }
                });
    }

    /**
     * PF4J's check (an empty {@code plugin.requires} accepts every version), remembering why a plugin failed it: PF4J
     * itself only marks it DISABLED with "Plugin validation failed".
     */
    @Override
    protected boolean isPluginValid(PluginWrapper plugin) {
        boolean valid = super.isPluginValid(plugin);
        PluginDescriptor d = plugin.getDescriptor();
        if (valid) {
            refused.remove(d.getPluginId());
        } else {
            refused.put(d.getPluginId(), "plugin " + d.getPluginId() + " " + d.getVersion()
                    + " requires Omnibridge plugin API " + d.getRequires().strip() + "; this hub has "
                    + getSystemVersion());
        }
        return valid;
    }

    /** Why the plugin was refused for its required API version, if it was. */
    Optional<String> refusal(String pluginId) {
        return Optional.ofNullable(refused.get(pluginId));
    }
}
