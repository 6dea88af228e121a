package dev.omnibridge.bench;

import java.util.List;
import java.util.Locale;

/** The issue's targets and the hub-to-baseline ratios, computed from the medians in the report. */
final class Verdicts {
    private final Profile p;
    private final Report r;

    Verdicts(Profile p, Report r) {
        this.p = p;
        this.r = r;
    }

    void write() {
        issue17();
        double hubRate = med("hub.ingest.rate");
        double vertxRate = med("bare-vertx.ingest.rate");
        double camelRate = med("camel-route.ingest.rate");
        double vsVertx = hubRate / vertxRate;
        double costVsCamel = camelRate / hubRate;
        double p99 = med("hub.ingest.p99");
        double startup = med("hub.startup");
        double rssIdle = med("hub.rss.idle");
        double rssLoad = r.get("hub.rss.load").max();
        List<Integer> steps = p.journalSteps();
        int last = steps.get(steps.size() - 1);
        List<String> journal = r.figureIds().stream()
                .filter(id -> id.startsWith("hub.journal.") && id.endsWith(".rate")).toList();
        double first = journal.isEmpty() ? Double.NaN : med(journal.get(0));
        double atLast = journal.isEmpty() ? Double.NaN : med(journal.get(journal.size() - 1));
        double cliff = atLast / first;

        r.text(Bench.TARGETS, "| target | measured (median) | met? |");
        r.text(Bench.TARGETS, "|---|---|---|");
        row("durable ingest >= 0.5 x bare Vert.x", f(hubRate) + " / " + f(vertxRate) + " msg/s = " + x(vsVertx),
                vsVertx >= 0.5);
        row("hub cost within 1.2 x the hand-written Camel route (ingest)", "Camel " + f(camelRate) + " / hub "
                + f(hubRate) + " msg/s = " + x(costVsCamel) + " the cost", costVsCamel <= 1.2);
        row("p99 ack at " + p.openRate() + " msg/s < 20 ms", f(p99) + " ms", p99 < 20);
        row("start-up < 3 s (all bundled plugins)", f(startup) + " ms", startup < 3000);
        row("resident memory < 300 MB (idle)", f(rssIdle) + " MB", rssIdle < 300);
        row("resident memory < 300 MB (under load, highest sample)", f(rssLoad) + " MB", rssLoad < 300);
        row("no throughput cliff up to 1M stored messages (here: up to " + String.format(Locale.ROOT, "%,d", last)
                + "; met = >= 0.8 x the rate at the first step)", x(cliff) + " of the rate at the first step",
                cliff >= 0.8);
        if (last < 1_000_000) {
            r.text(Bench.TARGETS, "");
            r.text(Bench.TARGETS, "The last target needs the full profile (`bench/run.sh` without `--quick`) to "
                    + "reach 1M messages; this profile stops at " + String.format(Locale.ROOT, "%,d", last) + ".");
        }

        r.text(Bench.RATIOS, "| workload | hub | bare Vert.x | Camel route | hub / Vert.x | hub / Camel |");
        r.text(Bench.RATIOS, "|---|---|---|---|---|---|");
        ratio("ingest saturation, msg/s", "ingest.rate");
        ratio("ack p99 at " + p.openRate() + " msg/s, ms", "ingest.p99");
        ratio("CPU per 1,000 acknowledged messages at " + p.openRate() + " msg/s, ms", "ingest.cpu");
        ratio("longest GC pause at " + p.openRate() + " msg/s, ms", "ingest.gc.longest");
        for (int c : p.conversations()) {
            ratio("end to end, " + c + " conversations, delivered msg/s", "e2e." + c + ".rate");
            ratio("end to end, " + c + " conversations, p99 ack -> delivery, ms", "e2e." + c + ".p99");
        }
        ratio("reply path, callbacks msg/s", "reply.rate");
        ratio("reply path, p99 ack -> callback, ms", "reply.p99");
        r.text(Bench.RATIOS, "");
        r.text(Bench.RATIOS, "For rates, a ratio below 1 means the hub is slower; for latencies and CPU costs, above 1 means the "
                + "hub is slower. The hub's cost relative to the Camel route is the inverse of the rate ratio.");
    }

    /**
     * The targets of issue 17, each from figures of this run: the baselines' and the hub's in the same run, so the
     * ratios hold however loaded the machine was. A row is n/a when a figure it needs was not measured.
     */
    private void issue17() {
        String t = Bench.TARGETS17;
        r.text(t, "| target | measured (median) | met? |");
        r.text(t, "|---|---|---|");
        double hub = med("hub.ingest.rate");
        double camel = med("camel-route.ingest.rate");
        double vertx = med("bare-vertx.ingest.rate");
        row17("ingest >= 2 x the hand-written Camel route", f(hub) + " / " + f(camel) + " msg/s = " + x(hub / camel),
                hub / camel >= 2, hub, camel);
        row17("ingest >= 0.1 x bare Vert.x", f(hub) + " / " + f(vertx) + " msg/s = " + x(hub / vertx),
                hub / vertx >= 0.1, hub, vertx);
        double p99 = med("hub.ingest.p99");
        row17("ack p99 < 10 ms at " + p.openRate() + " msg/s (open loop)", f(p99) + " ms", p99 < 10, p99);
        for (int c : List.of(50, 5_000)) {
            double h = med("hub.e2e." + c + ".rate");
            double cr = med("camel-route.e2e." + c + ".rate");
            row17("end to end, " + String.format(Locale.ROOT, "%,d", c) + " conversations: hub >= Camel route",
                    f(h) + " / " + f(cr) + " delivered msg/s = " + x(h / cr), h >= cr, h, cr);
        }
        double busyP99 = med("hub.busy." + p.busyRate() + ".p99");
        double busyRate = med("hub.busy." + p.busyRate() + ".rate");
        double inversions = r.get("hub.busy.inversions").max();
        double undelivered = r.get("hub.busy.undelivered").max();
        row17("one conversation at " + p.busyRate() + " msg/s: p99 ack -> delivery < 100 ms, order kept, all "
                + "delivered", "p99 " + f(busyP99) + " ms, " + f(busyRate) + " delivered msg/s, " + count(inversions)
                + " inversions, " + count(undelivered) + " undelivered", busyP99 < 100 && inversions == 0
                && undelivered == 0, busyP99, inversions, undelivered);
        double ratio = med("hub.store.drain.ratio");
        double ratioIdle = med("hub.store.idle.ratio");
        row17("store file < 3 x the messages' JSON (" + String.format(Locale.ROOT, "%,d", p.storeMessages())
                + " messages, 20 % redelivered; after delivery and after idle)", x(ratio) + " after delivery, "
                + x(ratioIdle) + " after idle (" + f(med("hub.store.idle.perMessage")) + " bytes/message)",
                ratio < 3 && ratioIdle < 3, ratio, ratioIdle);
        double idle = med("hub.store.idle.file");
        double peak = med("hub.store.peak");
        row17("store file shrinks online (after " + p.storeIdle().toSeconds() + " s idle, against its largest size)",
                f(idle) + " MB against " + f(peak) + " MB (" + f(med("hub.store.shrink")) + " %)", idle < peak,
                idle, peak);
        double rssLoad = r.get("hub.rss.load").max();
        row17("resident memory <= 300 MB under load (launcher defaults, highest sample)", f(rssLoad) + " MB",
                rssLoad <= 300, rssLoad);
        double fill = med("hub.backlog.rss.fill");
        double drain = med("hub.backlog.rss.drain");
        row17("resident memory bounded with a backlog of " + String.format(Locale.ROOT, "%,d", p.backlogMessages())
                + " (met = <= 300 MB while it builds and drains)", f(fill) + " MB building, " + f(drain)
                + " MB draining", Math.max(fill, drain) <= 300, fill, drain);
        double first = med("hub.backlog.first");
        row17("desk back after an outage: first delivery within 2 s", f(first) + " ms (every message after "
                + f(med("hub.backlog.drain")) + " s)", first < 2_000, first);
        r.text(t, "");
        r.text(t, "Figures from sections 1, 2, 5 (ingest, end to end, memory under load) and 7-9 (issue 17's own "
                + "phases); the hub's desk settings are under Machine and load. Full profile: 1M messages for the store and the backlog; "
                + "this profile: " + String.format(Locale.ROOT, "%,d", p.storeMessages()) + " and "
                + String.format(Locale.ROOT, "%,d", p.backlogMessages()) + ".");
    }

    private void row17(String target, String measured, boolean met, double... inputs) {
        boolean known = java.util.Arrays.stream(inputs).noneMatch(Double::isNaN);
        r.text(Bench.TARGETS17, "| " + target + " | " + measured + " | " + (!known ? "n/a" : met ? "met"
                : "**not met**") + " |");
    }

    private void ratio(String label, String suffix) {
        double hub = med("hub." + suffix);
        double vertx = med("bare-vertx." + suffix);
        double camel = med("camel-route." + suffix);
        r.text(Bench.RATIOS, "| " + label + " | " + f(hub) + " | " + f(vertx) + " | " + f(camel) + " | "
                + x(hub / vertx) + " | " + x(hub / camel) + " |");
    }

    private void row(String target, String measured, boolean met) {
        r.text(Bench.TARGETS, "| " + target + " | " + measured + " | " + (Double.isNaN(parse(measured)) ? "n/a"
                : met ? "met" : "**not met**") + " |");
    }

    private static double parse(String measured) {
        return measured.contains("n/a") ? Double.NaN : 0;
    }

    private double med(String id) {
        return r.get(id).median();
    }

    private static String f(double v) {
        return Stats.format(v);
    }

    private static String count(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String x(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
    }
}
