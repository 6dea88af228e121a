package dev.omnibridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 25, moving a store from H2 to PostgreSQL: an H2 store made by the hub's migrations ({@link HubSchema}) and
 * filled with a month of service ({@link AnalyticsSeed}: messages over messages / 10 conversations, first-response
 * timer events, bot events, surveys), then copied with the dist's {@code bin/omnibridge migrate-store} (the
 * launcher's JVM defaults) into an empty PostgreSQL database. Figures: the whole command's wall time, the copy's
 * time and rate as it reports them, and whether it verified; a second run against the same database must be refused.
 */
final class MigratePhase {
    static final String SECTION = "16. H2 -> PostgreSQL with migrate-store (issue 25)";
    private static final Pattern COPIED = Pattern.compile("copied ([0-9,]+) rows in (\\d+) tables \\((\\d+) of them "
            + "empty\\) in ([0-9.]+) s");
    private static final Pattern VERIFIED = Pattern.compile("verified: ([0-9,]+) rows");

    private final Profile p;
    private final Report report;

    MigratePhase(Profile p, Report report) {
        this.p = p;
        this.report = report;
    }

    void run(Launchers launchers, Path workDir, BenchPostgres pg) throws Exception {
        // BENCH_MIGRATE_MESSAGES=1000000 (a comma-separated list) measures only those sizes.
        String only = System.getenv("BENCH_MIGRATE_MESSAGES");
        List<Integer> sizes = only != null && !only.isBlank()
                ? java.util.Arrays.stream(only.split(",")).map(String::trim).map(Integer::parseInt).toList()
                : "smoke".equals(p.name()) ? List.of(2_000) : List.of(100_000, 1_000_000);
        List<String> rows = new ArrayList<>();
        rows.add("| messages | H2 file, MB | rows copied (tables) | copy, s | rows/s | whole command, s | verified | "
                + "second run |");
        rows.add("|---|---|---|---|---|---|---|---|");
        boolean first = true;
        for (int messages : sizes) {
            Path dir = workDir.resolve("migrate-" + messages);
            Path data = dir.resolve("data");
            HubSchema.create(launchers.hubLib(), data);
            long t0 = System.nanoTime();
            AnalyticsSeed.Written seed = AnalyticsSeed.write(data, messages, Instant.now().truncatedTo(ChronoUnit.HOURS));
            double seedSeconds = (System.nanoTime() - t0) / 1e9;
            double fileMb = Files.size(data.resolve("omnibridge.mv.db")) / 1024.0 / 1024.0;
            System.out.printf(Locale.ROOT, "  seeded %,d messages, %,d conversations in %.1f s (%.0f MB)%n",
                    seed.messages(), seed.conversations(), seedSeconds, fileMb);
            String url = pg.newDatabase("bench_migrate");
            List<String> args = new ArrayList<>(List.of("migrate-store", "--from", data.toString(), "--to", url,
                    "--user", pg.user()));
            if (!pg.password().isEmpty()) {
                args.addAll(List.of("--password-env", "BENCH_PG_PASSWORD"));
            }
            Map<String, String> env = pg.password().isEmpty() ? Map.of() : Map.of("BENCH_PG_PASSWORD", pg.password());
            Target.CommandResult r = launchers.command(dir, env, args.toArray(String[]::new));
            Matcher copied = COPIED.matcher(r.output());
            Matcher verified = VERIFIED.matcher(r.output());
            boolean ok = r.exitCode() == 0 && verified.find();
            String second = "-";
            if (first) {
                Target.CommandResult again = launchers.command(dir, env, args.toArray(String[]::new));
                second = again.exitCode() == 1 && again.output().contains("not empty") ? "refused (exit 1, not empty)"
                        : "NOT refused: exit " + again.exitCode();
                first = false;
            }
            if (copied.find()) {
                long rowsCopied = Long.parseLong(copied.group(1).replace(",", ""));
                double copySeconds = Double.parseDouble(copied.group(4));
                String key = "migrate." + messages;
                report.figure(SECTION, key + ".copy", "migrate-store, " + String.format(Locale.ROOT, "%,d", messages)
                        + " messages: copy", "s", List.of(copySeconds));
                report.figure(SECTION, key + ".whole", "migrate-store, " + String.format(Locale.ROOT, "%,d", messages)
                        + " messages: whole command (JVM start, schema, copy, verification)", "s", List.of(r.seconds()));
                rows.add(String.format(Locale.ROOT, "| %,d | %.0f | %,d (%s, %s empty) | %.1f | %,.0f | %.1f | %s | %s |",
                        messages, fileMb, rowsCopied, copied.group(2), copied.group(3), copySeconds,
                        rowsCopied / Math.max(copySeconds, 1e-3), r.seconds(), ok ? "yes, exit 0" : "NO: exit "
                                + r.exitCode(), second));
            } else {
                rows.add(String.format(Locale.ROOT, "| %,d | %.0f | - | - | - | %.1f | NO: exit %d (see %s) | %s |",
                        messages, fileMb, r.seconds(), r.exitCode(), dir.resolve("migrate-store.log"), second));
            }
            // The seeded store is large (1M messages: ~1 GB): not kept.
            deleteTree(data);
        }
        rows.forEach(row -> report.text(SECTION, row));
        report.text(SECTION, "");
        report.text(SECTION, "Each store: the hub's schema (its own migrations), then a month of service written with "
                + "JDBC batches (`AnalyticsSeed`: 10 messages per conversation, first-response timer events, bot "
                + "events, surveys). Copied by the dist's `bin/omnibridge migrate-store --from <data dir> --to <url>` "
                + "with the launcher's JVM defaults, into an empty database (PostgreSQL " + pg.describe() + "). The command "
                + "checks, copies in batches of 5,000 rows, resets the identity sequences, compares every table's count "
                + "and a sample of message bodies; its output is kept in `migrate-<n>/migrate-store.log` (the refused second run's in `migrate-store-2.log`).");
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path x : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }
}
