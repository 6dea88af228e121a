package dev.omnibridge.bench;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The profile summary reads allocation samples: bytes per message and the classes that were allocated. */
class JfrProfileTest {
    @TempDir
    Path dir;

    @Test
    void allocationSamplesAreSummedIntoBytesPerMessage() throws Exception {
        Path file = dir.resolve("alloc.jfr");
        List<byte[]> kept = new ArrayList<>();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "10000/s");
            recording.start();
            for (int i = 0; i < 20_000; i++) {
                kept.add(new byte[4_096]);
                if (kept.size() > 100) {
                    kept.clear();
                }
            }
            recording.stop();
            recording.dump(file);
        }

        JfrProfile.Summary summary = JfrProfile.summary(file, 5, 1_000);

        // 20,000 arrays of 4 KB = ~80 MB for 1,000 "messages": the sampled weights estimate it, roughly.
        assertThat(summary.allocatedPerMessage()).isGreaterThan(10_000);
        assertThat(summary.lines()).anyMatch(line -> line.contains("`byte[]`"));
    }
}
