package dev.omnibridge.hub.plugins;

import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;

import java.nio.file.Path;

/** PF4J's default manager (zip, jar and directory plugins) with parent-first loading of the shared libraries. */
final class HubPluginManager extends DefaultPluginManager {
    HubPluginManager(Path pluginsDir) {
        super(pluginsDir);
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
}
