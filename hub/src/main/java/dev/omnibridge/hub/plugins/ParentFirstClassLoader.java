package dev.omnibridge.hub.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

import java.util.List;

/**
 * A plugin class loader that takes the shared libraries from the hub: two copies of Camel, Jackson, SLF4J or the
 * plugin API would make the hub and the plugin see different classes of the same name (ClassCastException,
 * lost logging). Everything else is plugin-first, so a plugin's own dependencies win.
 */
final class ParentFirstClassLoader extends PluginClassLoader {
    static final List<String> PARENT_FIRST = List.of(
            "dev.omnibridge.model.", "dev.omnibridge.spi.", "dev.omnibridge.config.", "dev.omnibridge.webhook.",
            "dev.omnibridge.privacy.", "org.apache.camel.", "org.slf4j.", "com.fasterxml.jackson.", "jakarta.",
            "io.vertx.", "io.netty.", "org.pf4j.");

    ParentFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        for (String prefix : PARENT_FIRST) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return super.shouldDelegateToParent(className);
    }
}
