package dev.omnibridge.bench;

import java.util.List;
import java.util.Locale;

/** The targets and the hub-to-baseline ratios, computed from the medians in the report. */
final class Verdicts {
    private final Profile p;
    private final Report r;

    Verdicts(Profile p, Report r) {
        this.p = p;
        this.r = r;
    }

    void write() {
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
        for (int c : p.conversations()) {
            ratio("end to end, " + c + " conversations, delivered msg/s", "e2e." + c + ".rate");
            ratio("end to end, " + c + " conversations, p99 ack -> delivery, ms", "e2e." + c + ".p99");
        }
        ratio("reply path, callbacks msg/s", "reply.rate");
        ratio("reply path, p99 ack -> callback, ms", "reply.p99");
        r.text(Bench.RATIOS, "");
        r.text(Bench.RATIOS, "For rates, a ratio below 1 means the hub is slower; for latencies, above 1 means the "
                + "hub is slower. The hub's cost relative to the Camel route is the inverse of the rate ratio.");
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

    private static String x(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
    }
}
