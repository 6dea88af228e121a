package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 23, what a Camel route costs as a desk: the same end-to-end load (webhook in, desk stub out) through a hub
 * whose desk is a {@code camel-desk} YAML route posting with Camel's http component, and through a hub with the
 * built-in webhook-desk connector, both one event per desk call and with only the plugins they need, in the same run.
 */
final class CamelDeskPhase {
    static final String SECTION = "14. A Camel route as the desk: camel-desk against webhook-desk (hub, issue 23)";

    private final Profile p;
    private final Report report;
    private final Scenarios s;

    CamelDeskPhase(Profile p, Report report, Scenarios s) {
        this.p = p;
        this.report = report;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> bundled, DeskStub stub) {
        List<Path> channel = named(bundled, "webhook-channel");
        List<Path> camelZips = launchers.camelPlugins();
        if (camelZips.isEmpty()) {
            report.text(SECTION, "Not measured: no camel-http plugin zip beside the bundled ones "
                    + "(bench/target/camel-plugin-zips; `mvn -pl bench package` puts it there).");
            return;
        }
        List<Path> webhook = new ArrayList<>(channel);
        webhook.addAll(named(bundled, "webhook-desk"));
        List<Path> camel = new ArrayList<>(channel);
        camel.addAll(camelZips);
        // One after the other on the same machine and desk stub, the built-in connector first.
        try (Target hub = launchers.webhookDeskHub(workDir.resolve("hub-webhook-desk"), webhook, stub.deskUrl(),
                stub.callbackUrl())) {
            s.endToEnd(hub);
        }
        try (Target hub = launchers.camelDeskHub(workDir.resolve("hub-camel-desk"), camel, stub.deskUrl(),
                stub.callbackUrl())) {
            s.endToEnd(hub);
        }
        for (int conversations : p.conversations()) {
            String w = "hub-webhook-desk.e2e." + conversations;
            String c = "hub-camel-desk.e2e." + conversations;
            Stats wr = report.get(w + ".rate");
            Stats cr = report.get(c + ".rate");
            Stats wp = report.get(w + ".p99");
            Stats cp = report.get(c + ".p99");
            if (wr.runs() > 0 && cr.runs() > 0 && wr.median() > 0) {
                report.text(SECTION, "- " + conversations + " conversation" + (conversations == 1 ? "" : "s")
                        + ": camel-desk delivers " + Stats.format(cr.median()) + " msg/s, webhook-desk "
                        + Stats.format(wr.median()) + " msg/s (ratio " + String.format("%.2f", cr.median()
                        / wr.median()) + "); p99 ack -> delivery " + Stats.format(cp.median()) + " ms against "
                        + Stats.format(wp.median()) + " ms (medians of " + p.runs() + " runs).");
            }
        }
        report.text(SECTION, "Both hubs: a webhook-channel `web` routed to `desk`, the same messages, the same desk stub "
                + "(answers at once); the webhook-desk hub without `batchSize` (one event per call, as a route gets "
                + "them; the batched figure is in section 2). The camel-desk route posts the delivery's event JSON "
                + "unchanged with Camel's http component and reads the ticket reference from the answer with jq "
                + "(`Launchers.CAMEL_DESK_ROUTE`). Figures per target are in section 2 under `hub-webhook-desk` and "
                + "`hub-camel-desk`.");
    }

    private static List<Path> named(List<Path> zips, String plugin) {
        return zips.stream().filter(z -> z.getFileName().toString().startsWith("omnibridge-" + plugin + "-")
                || z.getFileName().toString().startsWith(plugin)).toList();
    }
}
