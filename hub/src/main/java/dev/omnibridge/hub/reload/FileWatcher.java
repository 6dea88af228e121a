package dev.omnibridge.hub.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Watches one directory for changes to the files a filter accepts (plugin zips and jars, the configuration file)
 * and runs an action once they have been quiet for a while: a file being copied in fires many events, and the
 * action (a reload, which compares contents itself) should run once, after the copy. One daemon thread.
 */
public final class FileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

    private final WatchService watch;
    private final Thread thread;
    private volatile boolean open = true;

    private FileWatcher(String name, Path dir, Predicate<String> names, Duration quiet, Runnable action)
            throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(() -> loop(names, quiet, action), "omnibridge-watch-" + name);
        thread.setDaemon(true);
    }

    /**
     * Starts watching {@code dir}; null (logged) when the directory cannot be watched.
     *
     * @param quiet how long no event may come before the action runs
     */
    public static FileWatcher start(String name, Path dir, Predicate<String> names, Duration quiet, Runnable action) {
        try {
            FileWatcher watcher = new FileWatcher(name, dir, names, quiet, action);
            watcher.thread.start();
            LOG.info("Watching {} for {} changes", dir, name);
            return watcher;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot watch {} for {} changes ({}); use the reload API instead", dir, name, e.getMessage());
            return null;
        }
    }

    private void loop(Predicate<String> names, Duration quiet, Runnable action) {
        boolean pending = false;
        while (open) {
            WatchKey key;
            try {
                key = pending ? watch.poll(quiet.toMillis(), TimeUnit.MILLISECONDS) : watch.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key == null) {
                // Quiet long enough since the last change.
                pending = false;
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.error("Reload after a file change failed: {}", e.toString());
                }
                continue;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                Object context = event.context();
                if (event.kind() == StandardWatchEventKinds.OVERFLOW
                        || context instanceof Path p && names.test(p.getFileName().toString())) {
                    pending = true;
                }
            }
            if (!key.reset()) {
                LOG.warn("The watched directory is gone; no more automatic reloads");
                return;
            }
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            watch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
