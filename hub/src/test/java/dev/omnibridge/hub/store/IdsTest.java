package dev.omnibridge.hub.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {
    @Test
    void idsMadeOnManyThreadsAtOnceAreUniqueVersion7UuidsInTimeOrder() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        Set<String> all = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    String previous = null;
                    for (int i = 0; i < perThread; i++) {
                        String id = Ids.newId();
                        UUID uuid = UUID.fromString(id);
                        assertThat(uuid.version()).isEqualTo(7);
                        assertThat(uuid.variant()).isEqualTo(2);
                        if (previous != null) {
                            // The millisecond prefix never goes back on one thread.
                            assertThat(id.substring(0, 13)).isGreaterThanOrEqualTo(previous.substring(0, 13));
                        }
                        previous = id;
                        all.add(id);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(all).hasSize(threads * perThread);
    }
}
