package dev.omnibridge.hub.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

import java.util.List;

/**
 * A plugin class loader that takes the shared libraries from the hub: two copies of Camel, Jackson, SLF4J or the
 * plugin API would make the hub and the plugin see different classes of the same name (ClassCastException,
 * lost logging). A shared-package class the hub does not have (say a Camel component the plugin bundles) still
 * loads from the plugin. Everything else is plugin-first, so a plugin's own dependencies win (and a class the plugin
 * does not bundle still comes from the hub).
 *
 * <p>The list is what the plugin API's signatures expose (its own packages, Camel, Jackson, SLF4J; PF4J's own
 * {@code org.pf4j.} always comes from the hub through PF4J's class loader) plus Jakarta Mail, whose objects
 * camel-mail in the hub hands to the email plugin. The hub's HTTP server internals (Vert.x, Netty) are not in it: a
 * plugin bundling its own Netty gets its own. Documented in plugin-api/README.md ("What the hub shares").
 */
final class ParentFirstClassLoader extends PluginClassLoader {
    static final List<String> SHARED = List.of(
            "dev.omnibridge.model.", "dev.omnibridge.spi.", "dev.omnibridge.config.", "dev.omnibridge.webhook.",
            "dev.omnibridge.privacy.", "dev.omnibridge.live.", "dev.omnibridge.text.", "dev.omnibridge.calendar.",
            "dev.omnibridge.net.", "org.apache.camel.", "org.slf4j.", "com.fasterxml.jackson.",
            "jakarta.mail.", "jakarta.activation.", "org.eclipse.angus.");

    ParentFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    static boolean isShared(String className) {
        for (String prefix : SHARED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (isShared(className)) {
            try {
                return getParent().loadClass(className);
            } catch (ClassNotFoundException notInHub) {
                // fall through to the plugin's own jars
            }
        }
        return super.loadClass(className);
    }
}
