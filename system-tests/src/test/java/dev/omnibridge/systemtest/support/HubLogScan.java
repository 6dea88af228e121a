package dev.omnibridge.systemtest.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * After a system test class (its hub stopped), scans the hub's whole log for what must never be in it at INFO or
 * above: the secrets of its configuration ({@link HubConfig#secrets()}, registered by {@link SystemTestBase}) and the
 * phone numbers, email addresses and message texts the test {@linkplain #register registered}. Any hit fails the
 * class, naming the value's kind and the log line. DEBUG and TRACE lines (and the stack traces under them) may hold
 * them: those levels are off in production and the brief allows them there.
 *
 * <p>A phone number is also looked for without its {@code +} (a WhatsApp id is the bare digits); emails and texts
 * are matched ignoring case. Values shorter than {@value #SHORTEST} characters are not scanned for: they would
 * match by accident.
 */
public final class HubLogScan implements AfterAllCallback {
    static final int SHORTEST = 6;
    // logback.xml: "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n"
    private static final Pattern ENTRY = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR)\\b");

    /** A value the log showed: its kind (secret, address, text), the value and the line it was in. */
    public record Leak(String kind, String value, int lineNumber, String line) {
        @Override
        public String toString() {
            return kind + " '" + value + "' in log line " + lineNumber + ": " + line;
        }
    }

    private final Supplier<List<HubProcess>> hubs;
    private final Set<String[]> values = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HubLogScan(Supplier<HubProcess> hub) {
        this.hubs = () -> {
            HubProcess h = hub.get();
            return h == null ? List.of() : List.of(h);
        };
    }

    private HubLogScan(Supplier<List<HubProcess>> hubs, boolean all) {
        this.hubs = hubs;
    }

    /** Scans the logs of several hubs (issue 25: every node of a {@link HubCluster}); the supplier may give null. */
    public static HubLogScan ofAll(Supplier<List<HubProcess>> hubs) {
        return new HubLogScan(() -> {
            List<HubProcess> h = hubs.get();
            return h == null ? List.of() : h;
        }, true);
    }

    /** Secrets (tokens, passwords, signing keys): never in the log. */
    public HubLogScan secrets(Collection<String> secrets) {
        secrets.forEach(s -> add("secret", s));
        return this;
    }

    /** Phone numbers and email addresses the test's customers used: only in redacted form in the log. */
    public HubLogScan addresses(String... addresses) {
        for (String a : addresses) {
            add("address", a);
            if (a != null && a.matches("\\+[0-9]{6,}")) {
                add("address", a.substring(1));
            }
        }
        return this;
    }

    /** Message texts the test's customers and agents wrote: never in the log at INFO or above. */
    public HubLogScan texts(String... texts) {
        for (String t : texts) {
            add("text", t);
        }
        return this;
    }

    /** Registers values of every kind at once, for tests that do not care to say which is which. */
    public HubLogScan register(String... values) {
        for (String v : values) {
            add("value", v);
        }
        return this;
    }

    private void add(String kind, String value) {
        if (value != null && value.strip().length() >= SHORTEST) {
            values.add(new String[] {kind, value.strip()});
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (values.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (HubProcess process : hubs.get()) {
            List<Leak> leaks = scan(process.logFile(), values);
            if (!leaks.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : "\n").append("The hub's log (").append(process.logFile()).append(") shows ")
                        .append(leaks.size()).append(" value(s) it must not show at INFO or above:");
                leaks.stream().limit(20).forEach(l -> sb.append("\n  ").append(l));
            }
        }
        if (!sb.isEmpty()) {
            throw new AssertionError(sb.toString());
        }
    }

    /** The registered values the log shows at INFO or above, in log order. */
    public static List<Leak> scan(Path log, Collection<String[]> values) {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Leak> leaks = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        boolean verbose = false;
        for (int i = 0; i < lines.size(); i++) {
            // The log is read as bytes (ISO-8859-1) so that no line fails to decode; values are compared the same way.
            String line = lines.get(i);
            Matcher entry = ENTRY.matcher(line);
            if (entry.find()) {
                verbose = entry.group(1).equals("DEBUG") || entry.group(1).equals("TRACE");
            } else if (line.startsWith("===== ")) {
                continue;   // the harness's own markers (launches)
            }
            if (verbose) {
                continue;
            }
            String folded = line.toLowerCase(Locale.ROOT);
            for (String[] v : values) {
                String bytes = new String(v[1].getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                boolean hit = v[0].equals("secret") ? line.contains(bytes)
                        : folded.contains(bytes.toLowerCase(Locale.ROOT));
                if (hit && seen.add(v[0] + "|" + v[1] + "|" + i)) {
                    leaks.add(new Leak(v[0], v[1], i + 1, line));
                }
            }
        }
        return leaks;
    }

    /** The registered values (kind, value), for a test of the scan itself. */
    Collection<String[]> values() {
        return values;
    }
}
