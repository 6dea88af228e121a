package dev.omnibridge.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the benchmark from rotting: every scenario runs at tiny scale against the packaged hub and both baselines.
 * Asserts only that messages went through and that the report has every section, never a time or a rate.
 */
class BenchSmokeTest {
    @Test
    void everyScenarioProducesFigures() throws Exception {
        Bench bench = new Bench(Profile.named("smoke"),
                Path.of(System.getProperty("bench.work.dir", "target/bench-work")).resolve("smoke").toAbsolutePath(),
                new Launchers(Path.of(System.getProperty("omnibridge.hub.lib", "target/hub/omnibridge/lib")),
                        Path.of(System.getProperty("omnibridge.plugin.zips", "target/plugin-zips")), ""));

        String markdown = bench.run();

        Report r = bench.report();
        for (String id : List.of("bare-vertx.ingest.rate", "camel-route.ingest.rate", "hub.ingest.rate",
                "camel-route.e2e.1.rate", "hub.e2e.1.rate", "hub.e2e.5.rate", "camel-route.reply.rate",
                "hub.reply.rate", "hub.conversations.1.rate")) {
            assertThat(r.get(id).median()).as(id).isGreaterThan(0);
        }
        assertThat(r.figureIds().stream().filter(id -> id.startsWith("hub.journal.") && id.endsWith(".rate"))
                .map(id -> r.get(id).median())).hasSize(Profile.named("smoke").journalSteps().size())
                .allMatch(rate -> rate > 0);
        assertThat(r.get("hub.startup").median()).isGreaterThan(0);
        // The cost per message: CPU of the system under test during the open-loop runs, and its collector's pauses.
        assertThat(r.get("hub.ingest.cpu").median()).isGreaterThan(0);
        assertThat(r.get("camel-route.ingest.cpu").median()).isGreaterThan(0);
        assertThat(r.get("hub.ingest.gc.rate").runs()).isEqualTo(Profile.named("smoke").runs());
        // Issue 17's phases: the busy conversation delivered everything in order, the churned store was measured
        // at every point, and the backlog drained once the desk came back.
        assertThat(r.get("hub.busy.100.rate").median()).isGreaterThan(0);
        assertThat(r.get("hub.busy.inversions").max()).isZero();
        assertThat(r.get("hub.busy.undelivered").max()).isZero();
        for (String id : List.of("hub.store.fill.file", "hub.store.drain.file", "hub.store.idle.file",
                "hub.store.json", "hub.store.idle.ratio", "hub.backlog.rss.fill", "hub.backlog.rss.drain",
                "hub.backlog.first", "hub.backlog.drain")) {
            assertThat(r.get(id).median()).as(id).isGreaterThan(0);
        }
        assertThat(r.get("hub.rss.idle").median()).isGreaterThan(0);
        // Issue 18: every new conversation got its automatic acknowledgement at the channel, and both cost runs ran.
        assertThat(r.get("hub.ack.p99").median()).isGreaterThan(0);
        assertThat(r.get("hub.ack.missing").max()).isZero();
        assertThat(r.get("hub.ack.acks.cpu").median()).isGreaterThan(0);
        assertThat(r.get("hub.ack.noacks.rate").median()).isGreaterThan(0);
        // Issue 19: ingest ran with triage off and on.
        assertThat(r.get("hub.triage.off.rate").median()).isGreaterThan(0);
        assertThat(r.get("hub.triage.on.rate").median()).isGreaterThan(0);
        assertThat(r.get("hub.triage.on.cpu").median()).isGreaterThan(0);
        // Issue 19: the URGENT injections arrived, idle and into the backlog, with either delivery order.
        for (String id : List.of("hub.urgent.priority.idle.p99", "hub.urgent.priority.backlog.p99",
                "hub.urgent.fifo.idle.p99", "hub.urgent.fifo.backlog.p99")) {
            assertThat(r.get(id).median()).as(id).isGreaterThan(0);
        }
        assertThat(r.get("hub.urgent.missing").max()).isZero();
        // Issue 21: every analytics call over the seeded month answered (timed, cold and warm).
        for (String id : List.of("hub.analytics.volumes.hour.cold", "hub.analytics.response-times.desk.warm",
                "hub.analytics.backlog.desk.warm", "hub.analytics.worst")) {
            assertThat(r.get(id).median()).as(id).isGreaterThan(0);
        }
        // Issue 23: the same end-to-end load through a camel-desk route and through the webhook-desk connector.
        assertThat(r.get("hub-camel-desk.e2e.1.rate").median()).isGreaterThan(0);
        assertThat(r.get("hub-webhook-desk.e2e.1.rate").median()).isGreaterThan(0);
        for (String section : List.of(Bench.MACHINE, Bench.TARGETS, Bench.RATIOS, Scenarios.INGEST, Scenarios.E2E,
                Scenarios.REPLY, Bench.STARTUP, Scenarios.JOURNAL, Scenarios.CONVERSATIONS, BusyPhase.SECTION,
                StorePhase.SECTION, BacklogPhase.SECTION, AckPhase.SECTION, TriagePhase.SECTION, UrgentPhase.SECTION, AnalyticsPhase.SECTION, CamelDeskPhase.SECTION,
                Bench.TARGETS17,
                Bench.PROFILE)) {
            assertThat(markdown).contains("## " + section);
        }
    }
}
