package dev.omnibridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time a process spent, per thread group, from {@code /proc/<pid>/task/<tid>/stat} (user + system clock ticks).
 * Thread names are grouped by dropping a trailing number ({@code omnibridge-delivery-7} -> {@code omnibridge-delivery-N}),
 * so pools show as one line. Taken before and after a measured run, the difference divided by the messages of the run
 * is the cost per message: on a machine whose cores the load generator shares, a steadier figure than a rate.
 */
final class ProcessCpu {
    // USER_HZ: 100 on every Linux this bench runs on (the kernel's ABI value for /proc tick counts).
    private static final double MS_PER_TICK = 10.0;
    private final Map<String, Long> ticksByThread;
    private final Map<String, String> groupByThread;

    private ProcessCpu(Map<String, Long> ticksByThread, Map<String, String> groupByThread) {
        this.ticksByThread = ticksByThread;
        this.groupByThread = groupByThread;
    }

    /** The CPU ticks of each live thread of {@code pid} now (empty where /proc is not readable). */
    static ProcessCpu snapshot(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : threads.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(t.getFileName().toString(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    groups.put(t.getFileName().toString(), name.replaceAll("-?\\d+$", "-N"));
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read: its time is lost to both snapshots
                }
            }
        } catch (IOException e) {
            return new ProcessCpu(Map.of(), Map.of());
        }
        return new ProcessCpu(ticks, groups);
    }

    /** CPU milliseconds per thread group from {@code before} to this snapshot (threads born since count whole). */
    Map<String, Double> since(ProcessCpu before) {
        Map<String, Double> out = new TreeMap<>();
        for (var e : ticksByThread.entrySet()) {
            long delta = e.getValue() - before.ticksByThread.getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                out.merge(groupByThread.get(e.getKey()), delta * MS_PER_TICK, Double::sum);
            }
        }
        return out;
    }

    static double total(Map<String, Double> byGroup) {
        return byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
