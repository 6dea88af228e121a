package dev.omnibridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 21, service analytics over a month: the hub's migrations make the schema of an empty store; a month with
 * {@code analyticsMessages} messages is written straight into the store ({@link AnalyticsSeed}); the hub starts on
 * it, rolls the journal's volumes up (the time to catch up with messages it never saw is a figure), and each
 * analytics call over the month is timed: the first call (cold) and {@link #WARM_CALLS} more (median and max).
 * Target: every call under 1 s.
 */
final class AnalyticsPhase {
    static final String SECTION = "13. Service analytics over a month (hub, issue 21)";
    /** Timed calls after the first of each: 5, or 2 in the smoke profile (it only keeps the phase from rotting). */
    static final int WARM_CALLS = 5;

    private final Profile p;
    private final Report report;
    private final DeskStub stub;

    AnalyticsPhase(Profile p, Report report, DeskStub stub) {
        this.p = p;
        this.report = report;
        this.stub = stub;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins) throws Exception {
        Path dir = workDir.resolve("hub-analytics");
        // The hub's own migrations make the schema (no hub start: HubSchema), then the month is written directly.
        HubSchema.create(launchers.hubLib(), dir.resolve("data"));
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        long t0 = System.nanoTime();
        AnalyticsSeed.Written seed = AnalyticsSeed.write(dir.resolve("data"), p.analyticsMessages(), end);
        double seedSeconds = (System.nanoTime() - t0) / 1e9;
        String range = "from=" + end.minus(Duration.ofDays(30)) + "&to=" + end;
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("volumes.hour", "volumes?bucket=hour&" + range);
        calls.put("volumes.day", "volumes?bucket=day&" + range);
        calls.put("response-times.channel", "response-times?by=channel&" + range);
        calls.put("response-times.desk", "response-times?by=desk&" + range);
        calls.put("response-times.priority", "response-times?by=priority&" + range);
        calls.put("response-times.filtered", "response-times?by=priority&channel=web&desk=zendesk&" + range);
        calls.put("automation.channel", "automation?by=channel&" + range);
        calls.put("csat.desk", "csat?by=desk&" + range);
        calls.put("sla.priority", "sla?by=priority&" + range);
        calls.put("backlog.desk", "backlog?by=desk");
        int warmCalls = "smoke".equals(p.name()) ? 2 : WARM_CALLS;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (Target hub = launchers.hub(dir, plugins, stub.deskUrl(), stub.callbackUrl(), List.of())) {
            // Right after the start the roll-up has not seen the seeded month: volumes count it from the journal.
            double duringCatchUp = time(http, hub, calls.get("volumes.day"));
            double catchUp = awaitRollUp(dir.resolve("process.log"), seed.messages(), seed.timerEvents());
            report.figure(SECTION, "hub.analytics.rollup", "roll-ups of the month after the start (messages and "
                    + "timer events the writer never rolled up; the slower of the two)", "s", List.of(catchUp));
            report.figure(SECTION, "hub.analytics.volumes.catchup", "volumes by day while the roll-up catches up "
                    + "(counted from the journal)", "ms", List.of(duringCatchUp));
            List<Double> allWarm = new ArrayList<>();
            double worst = 0;
            for (var call : calls.entrySet()) {
                double cold = time(http, hub, call.getValue());
                List<Double> warm = new ArrayList<>();
                for (int i = 0; i < warmCalls; i++) {
                    warm.add(time(http, hub, call.getValue()));
                }
                allWarm.addAll(warm);
                worst = Math.max(worst, Math.max(cold, warm.stream().mapToDouble(Double::doubleValue).max()
                        .orElse(0)));
                report.figure(SECTION, "hub.analytics." + call.getKey() + ".cold", call.getKey()
                        + ": first call", "ms", List.of(cold));
                report.figure(SECTION, "hub.analytics." + call.getKey() + ".warm", call.getKey()
                        + ": next " + warmCalls + " calls", "ms", warm);
            }
            report.figure(SECTION, "hub.analytics.worst", "slowest analytics call of all (target < 1,000 ms)", "ms",
                    List.of(worst));
            report.text(SECTION, String.format(Locale.ROOT, "A month (30 days to %s) written straight into the "
                            + "hub's H2 store in %.0f s: %,d messages in %,d conversations on %d channels and %d "
                            + "desks, %,d first-response timer events, %,d bot events, %,d answered surveys. The hub "
                            + "then starts on it; each `GET /api/analytics/...` over the whole month (admin token, "
                            + "JSON) is timed from the request to the last byte: the first call after the roll-up "
                            + "caught up (cold) and %d more.", end, seedSeconds, seed.messages(),
                    seed.conversations(), AnalyticsSeed.CHANNELS.size(), AnalyticsSeed.DESKS.size(),
                    seed.timerEvents(), seed.botEvents(), seed.surveys(), warmCalls));
            report.text(SECTION, "Calls: " + String.join(", ", calls.values().stream()
                    .map(c -> "`" + c.replace("&" + range, "").replace(range, "") + "`").toList())
                    + " (each with the month's `from`/`to` except the backlog, which is now).");
        }
    }

    private static double time(HttpClient http, Target hub, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/analytics/" + path))
                .header("Authorization", "Bearer " + HubProbe.ADMIN_TOKEN).timeout(Duration.ofSeconds(120)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return ms;
    }

    /**
     * Waits for the hub's log lines saying its roll-ups caught up with the seeded month (messages per hour; each
     * conversation's first reply and target from the timer events) and returns the longer in seconds. A roll-up with
     * fewer rows than one pass takes catches up in its first pass, a second after the start, and logs nothing.
     */
    private static double awaitRollUp(Path log, long messages, long timerEvents) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        double slowest = Double.NaN;
        if (messages < 20_000 && timerEvents < 20_000) {
            Thread.sleep(2_500); // one pass each, at most a second after the start
            return slowest;
        }
        for (var rolled : Map.of("messages", messages, "timer events", timerEvents).entrySet()) {
            if (rolled.getValue() < 20_000) {
                continue;
            }
            java.util.regex.Pattern caught = java.util.regex.Pattern.compile("Analytics roll-up caught up: (\\d+) "
                    + rolled.getKey() + " in (\\d+) ms");
            while (true) {
                var m = Files.exists(log) ? caught.matcher(Files.readString(log)) : null;
                if (m != null && m.find()) {
                    double seconds = Long.parseLong(m.group(2)) / 1000.0;
                    slowest = Double.isNaN(slowest) ? seconds : Math.max(slowest, seconds);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the analytics roll-up of the " + rolled.getKey()
                            + " did not catch up in 20 minutes; see " + log);
                }
                Thread.sleep(500);
            }
        }
        return slowest;
    }
}
