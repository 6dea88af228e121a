package dev.omnibridge.bench;

import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of a running process (via {@code jcmd}), summarised from its {@code jdk.ExecutionSample} events:
 * the hottest methods by own time, by time including callees, and the first project frame of each sample; and from
 * its {@code jdk.ObjectAllocationSample} events (JDK 16+, throttled samples whose {@code weight} stands for the bytes
 * allocated since the previous sample of the thread): bytes allocated per message, by class and by hub frame.
 */
final class JfrProfile {
    /** The summary's Markdown lines and the allocation per message (NaN without samples or messages). */
    record Summary(List<String> lines, double allocatedPerMessage) {
    }

    private JfrProfile() {
    }

    static void record(long pid, Path file, Runnable load) {
        jcmd(pid, "JFR.start", "name=bench", "settings=profile");
        try {
            load.run();
        } finally {
            jcmd(pid, "JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
        }
    }

    static Summary summary(Path file, int top, long messages) throws IOException {
        Map<String, Long> allocatedByClass = new HashMap<>();
        Map<String, Long> allocatedByHubFrame = new HashMap<>();
        long allocated = 0;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> project = new HashMap<>();
        Map<String, Integer> blockedMs = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                allocated += weight;
                RecordedClass c = e.getClass("objectClass");
                allocatedByClass.merge(c == null ? "?" : readable(c.getName()), weight, Long::sum);
                String where = e.getStackTrace() == null ? null : e.getStackTrace().getFrames().stream()
                        .map(JfrProfile::name).filter(n -> n.startsWith("dev.omnibridge.")).findFirst().orElse(null);
                allocatedByHubFrame.merge(where == null ? "(no hub frame: Vert.x/Netty/JDK threads)" : where, weight,
                        Long::sum);
                continue;
            }
            if (e.getStackTrace() != null && (type.equals("jdk.JavaMonitorEnter") || type.equals("jdk.ThreadPark"))) {
                // Waiting, not running: where hub threads block (locks, queues, futures), by innermost hub frame.
                String where = e.getStackTrace().getFrames().stream().map(JfrProfile::name)
                        .filter(n -> n.startsWith("dev.omnibridge.")).findFirst().orElse(null);
                if (where != null) {
                    blockedMs.merge(type.substring(4) + " in " + where, (int) e.getDuration().toMillis(), Integer::sum);
                }
                continue;
            }
            if (!type.equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            String firstProject = null;
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
                if (firstProject == null && n.startsWith("dev.omnibridge.")) {
                    firstProject = n;
                }
            }
            project.merge(firstProject == null ? "(no hub frame: Vert.x/Netty/JDK threads)" : firstProject, 1,
                    Integer::sum);
        }
        List<String> out = new ArrayList<>();
        out.add(samples + " execution samples in " + file.getFileName() + ".");
        out.add("");
        table(out, "Top methods by own time (top of stack)", self, samples, top);
        table(out, "Top methods including callees (skipping the thread entry frames that are in every stack)",
                withoutRoots(total, samples), samples, top);
        table(out, "Innermost hub frame of each sample (where hub code spends, incl. the libraries it calls)", project,
                samples, top);
        out.add("**Blocked time (JFR park/monitor events over 10 ms, summed; idle pool threads included)**");
        out.add("");
        out.add("| ms | where |");
        out.add("|---|---|");
        blockedMs.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.add("| " + e.getValue() + " | `" + e.getKey() + "` |"));
        out.add("");
        double perMessage = allocated == 0 || messages <= 0 ? Double.NaN : (double) allocated / messages;
        out.add("**Allocation (jdk.ObjectAllocationSample weights): " + String.format("%,d", allocated / 1024 / 1024)
                + " MB in all, " + Stats.format(perMessage) + " bytes per acknowledged message (" + messages + ")**");
        out.add("");
        bytes(out, "class", allocatedByClass, allocated, top);
        bytes(out, "innermost hub frame", allocatedByHubFrame, allocated, top);
        return new Summary(out, perMessage);
    }

    private static void bytes(List<String> out, String what, Map<String, Long> bytes, long total, int top) {
        out.add("| MB | % | " + what + " |");
        out.add("|---|---|---|");
        bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.add("| " + String.format("%.1f", e.getValue() / 1024.0 / 1024.0) + " | "
                        + String.format("%.1f", 100.0 * e.getValue() / Math.max(1, total)) + " | `" + e.getKey()
                        + "` |"));
        out.add("");
    }

    private static Map<String, Integer> withoutRoots(Map<String, Integer> total, int samples) {
        Map<String, Integer> m = new HashMap<>(total);
        m.entrySet().removeIf(e -> e.getKey().startsWith("java.lang.Thread.run") || e.getValue() > samples * 0.9);
        return m;
    }

    private static void table(List<String> out, String title, Map<String, Integer> counts, int samples, int top) {
        out.add("**" + title + "**");
        out.add("");
        out.add("| samples | % | method |");
        out.add("|---|---|---|");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.add("| " + e.getValue() + " | " + String.format("%.1f", 100.0 * e.getValue()
                        / Math.max(1, samples)) + " | `" + e.getKey() + "` |"));
        out.add("");
    }

    /** {@code [B} -> {@code byte[]}, {@code [Ljava.lang.Object;} -> {@code java.lang.Object[]}. */
    static String readable(String className) {
        int dims = 0;
        while (dims < className.length() && className.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return className;
        }
        String element = switch (className.charAt(dims)) {
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            case 'D' -> "double";
            case 'Z' -> "boolean";
            default -> className.substring(dims + 1, className.length() - 1);
        };
        return element + "[]".repeat(dims);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void jcmd(long pid, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
