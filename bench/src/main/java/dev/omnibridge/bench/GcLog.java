package dev.omnibridge.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses a target's JVM logged ({@code -Xlog:gc:file=...}, added to every system under test
 * alike) between two offsets of its log: how often and how long the collector stopped the process, which bounds the
 * acknowledgement latency from below whatever the code does.
 */
final class GcLog {
    // e.g. "[12.345s][info][gc] GC(17) Pause Young (Allocation Failure) 60M->9M(123M) 11.432ms"
    private static final Pattern PAUSE = Pattern.compile("\\bPause (Young|Full)[^\\n]*? (\\d+(?:\\.\\d+)?)ms");
    private final Path file;

    GcLog(Path file) {
        this.file = file;
    }

    /**
     * The JVM option that writes this log: the file's name, relative to the process's working directory (every
     * target runs in its work directory, where this log is). Relative, so the option reads the same for every hub:
     * the launcher derives its class-data archive's name from the JVM options, and an absolute path per work
     * directory made each hub record an archive of its own at exit (seconds per stop) and none adopt one.
     */
    String option() {
        return "-Xlog:gc:file=" + file.getFileName();
    }

    long offset() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Pause lengths (ms) logged since {@code offset}; full collections are flagged by a negative sign. */
    List<Double> pausesSince(long offset) {
        List<Double> out = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return out;
            }
            byte[] bytes = new byte[(int) (length - offset)];
            f.seek(offset);
            f.readFully(bytes);
            Matcher m = PAUSE.matcher(new String(bytes, StandardCharsets.UTF_8));
            while (m.find()) {
                double ms = Double.parseDouble(m.group(2));
                out.add(m.group(1).equals("Full") ? -ms : ms);
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The p-th percentile of the pauses' lengths (full collections included). */
    static double percentile(List<Double> pauses, double p) {
        List<Double> sorted = pauses.stream().map(Math::abs).sorted().toList();
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
