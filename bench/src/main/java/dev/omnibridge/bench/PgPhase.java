package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 25, the store on PostgreSQL: one hub on its embedded H2 store and one hub on PostgreSQL take the same load
 * as the {@code ingest} and {@code e2e} phases (saturation, ack p50/p99 at the open-loop rate, end to end over 1, 50
 * and 5,000 conversations), one after the other, with the same two plugins (webhook-channel, webhook-desk).
 */
final class PgPhase {
    static final String SECTION = "15. The store on PostgreSQL against H2 (one hub, issue 25)";
    static final Target.Kind H2 = new Target.Kind("hub-h2", true);
    static final Target.Kind PG = new Target.Kind("hub-pg", true);

    private final Profile p;
    private final Report report;
    private final Scenarios s;

    PgPhase(Profile p, Report report, Scenarios s) {
        this.p = p;
        this.report = report;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins, DeskStub stub, BenchPostgres pg) {
        List<Path> two = webhookPlugins(plugins);
        String serverNote = "";
        for (Target.Kind kind : List.of(H2, PG)) {
            String url = kind == PG ? pg.newDatabase("bench_pg") : null;
            String settings = kind == PG ? pg.storeSettings(url) : "";
            double cpuBefore = pg.cpuMillis();
            try (Target hub = launchers.hub(kind, workDir.resolve(kind.name()), two, stub.deskUrl(),
                    stub.callbackUrl(), settings)) {
                s.ingest(hub, null);
                s.endToEnd(hub);
            }
            if (kind == PG) {
                // What the database server did for the whole run (ingest and end to end), per stored message.
                double cpu = pg.cpuMillis() - cpuBefore;
                long[] size = pg.sizeAndMessages(url);
                if (size[1] > 0) {
                    report.figure(SECTION, "pg.server.cpu", "PostgreSQL server CPU per 1,000 stored messages "
                            + "(whole hub-pg run: ingest and end to end)", "ms", List.of(cpu / size[1] * 1000));
                    report.figure(SECTION, "pg.db.bytes", "database size per stored message after the run "
                            + "(pg_database_size / messages; deliveries, indexes and the empty schema included)",
                            "bytes", List.of((double) size[0] / size[1]));
                    serverNote = String.format(Locale.ROOT, " The PostgreSQL hub's run stored %,d messages; the "
                            + "server used %,.0f ms of CPU for them (%.0f ms per 1,000) and the database grew to %,.0f "
                            + "MB.", size[1], cpu, cpu / size[1] * 1000, size[0] / 1024.0 / 1024.0);
                }
            }
        }
        List<String> rows = new ArrayList<>();
        // The writer lock's ceiling on this server, without the hub (CommitProbe): groups committed per second.
        List<String> probe = new ArrayList<>();
        try {
            String url = pg.newDatabase("bench_commit_probe");
            long millis = "smoke".equals(p.name()) ? 1_000 : 5_000;
            for (int connections : List.of(1, 3, 8)) {
                CommitProbe.Result r = CommitProbe.run(pg, url, connections, millis);
                report.figure(SECTION, "pg.commit." + connections, "commits under one advisory lock, "
                        + connections + " connection(s) (lock, insert 1 KB, commit)", "/s",
                        List.of(r.commitsPerSecond()));
                probe.add(String.format(Locale.ROOT, "| %d | %,.0f | %.2f | %.2f |", connections,
                        r.commitsPerSecond(), r.p50Ms(), r.p99Ms()));
            }
        } catch (Exception e) {
            probe.add("| probe failed: " + e + " | | | |");
        }
        rows.add("| figure (medians) | H2 | PostgreSQL | PostgreSQL / H2 |");
        rows.add("|---|---|---|---|");
        row(rows, "saturation, msg/s acknowledged (" + p.saturationConcurrency() + " in flight)", "ingest.rate");
        row(rows, "ack p50 at " + p.openRate() + " msg/s, ms", "ingest.p50");
        row(rows, "ack p99 at " + p.openRate() + " msg/s, ms", "ingest.p99");
        row(rows, "CPU of the hub per 1,000 messages at " + p.openRate() + " msg/s, ms", "ingest.cpu");
        for (int c : p.conversations()) {
            row(rows, "end to end, " + c + " conversation" + (c == 1 ? "" : "s") + ": delivered msg/s", "e2e." + c
                    + ".rate");
            row(rows, "end to end, " + c + " conversation" + (c == 1 ? "" : "s") + ": p99 ack -> delivery, ms", "e2e."
                    + c + ".p99");
        }
        rows.forEach(r -> report.text(SECTION, r));
        report.text(SECTION, "");
        report.text(SECTION, "The ceiling of one writer at a time on this server (`CommitProbe`, no hub): each "
                + "connection loops `BEGIN; SELECT pg_advisory_xact_lock(25); INSERT` a 1 KB row`; COMMIT`, as each "
                + "node's group commit does in cluster mode. The rate stays that of one connection however many "
                + "contend: it is the number of groups per second a cluster can commit, and its inverse the lock's "
                + "hold time (mostly the commit's WAL flush).");
        report.text(SECTION, "");
        report.text(SECTION, "| connections | commits/s in all | commit p50, ms (lock wait included) | p99, ms |");
        report.text(SECTION, "|---|---|---|---|");
        probe.forEach(r -> report.text(SECTION, r));
        report.text(SECTION, "");
        report.text(SECTION, "PostgreSQL: " + pg.describe() + ". Both hubs: webhook-channel `web` routed to "
                + "webhook-desk `desk` (" + launchers.deskBatchNote() + "), nothing else; the per-run figures are in "
                + "sections 1 and 2 under `hub-h2` and `hub-pg`. The PostgreSQL server shares the machine's cores with "
                + "the hub, the load generator and the desk stub; the H2 store is inside the hub's process. The "
                + "PostgreSQL hub's CPU figure is the hub process only (the server's is below)." + serverNote);
    }

    private void row(List<String> rows, String label, String figure) {
        double h2 = report.get(H2.name() + "." + figure).median();
        double pg = report.get(PG.name() + "." + figure).median();
        rows.add("| " + label + " | " + Stats.format(h2) + " | " + Stats.format(pg) + " | "
                + (h2 > 0 && !Double.isNaN(pg) ? String.format(Locale.ROOT, "%.2f", pg / h2) : "n/a") + " |");
    }

    /** The webhook-channel and webhook-desk zips of the bundled plugins. */
    static List<Path> webhookPlugins(List<Path> plugins) {
        return plugins.stream().filter(z -> {
            String n = z.getFileName().toString();
            return n.contains("webhook-channel") || n.contains("webhook-desk");
        }).toList();
    }
}
