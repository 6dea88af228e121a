package dev.omnibridge.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes the hub's embedded store schema (every migration) in a data folder without starting a hub: the hub's own
 * {@code Database.open} from its lib folder, in a class loader of its own (the bench's class path has its own H2 and
 * no hub). A hub start does the same and more (plugins, instances, the HTTP server), which costs seconds per phase
 * on a loaded machine.
 */
final class HubSchema {
    private HubSchema() {
    }

    static void create(Path hubLib, Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        // The bench's own H2 driver registered first: DriverManager looks drivers up once, through the context class
        // loader, which is the hub's below (the seed that writes the store afterwards uses the bench's).
        Class.forName("org.h2.Driver");
        DriverManager.getDrivers();
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(hubLib)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader hub = new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            thread.setContextClassLoader(hub); // Flyway finds the migrations through it
            // The hub's H2 driver registers itself (the pool asks DriverManager for one its own loader sees).
            Class<?> driver = Class.forName("org.h2.Driver", true, hub);
            driver.getMethod("load").invoke(null);
            Class<?> store = hub.loadClass("dev.omnibridge.hub.config.HubConfig$Store");
            Object embedded = store.getConstructor(String.class, String.class, String.class, boolean.class,
                    int.class).newInstance(null, null, null, true, 80);
            Method open = hub.loadClass("dev.omnibridge.hub.store.Database").getMethod("open", store, Path.class,
                    int.class);
            try (AutoCloseable database = (AutoCloseable) open.invoke(null, embedded, dataDir, 2)) {
                // opened = migrated
            } catch (InvocationTargetException e) {
                // Described here: the cause's classes go away with the hub's class loader.
                throw new IllegalStateException("the hub's migrations failed on " + dataDir + ": " + e.getCause());
            }
            driver.getMethod("unload").invoke(null);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
