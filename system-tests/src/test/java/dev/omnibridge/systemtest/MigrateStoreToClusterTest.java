package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubCluster;
import dev.omnibridge.systemtest.support.HubLogScan;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.HubProcess.CommandResult;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SharedPostgres;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: a hub that started on the embedded H2 store moves to PostgreSQL with the distribution's
 * {@code bin/omnibridge migrate-store}, and the nodes of a cluster started on that database serve its whole history
 * and carry its conversations on. The hub of {@link SystemTestBase} is the H2 one; the nodes are a
 * {@link HubCluster} (two nodes, lease ttl 3 s) on the migrated database.
 */
class MigrateStoreToClusterTest extends SystemTestBase {
    private static final int CONVERSATIONS = 3;
    private static final int MESSAGES_EACH = 4;

    private HubCluster cluster;

    @RegisterExtension
    final TestWatcher clusterLogsOnFailure = HubCluster.printLogsOnFailure(() -> cluster);

    @RegisterExtension
    final HubLogScan clusterLogScan = HubLogScan.ofAll(() -> cluster == null ? null : cluster.nodes());

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anH2StoreMovedByMigrateStoreIsServedWholeByEveryNodeOnPostgres() {
        List<String> texts = new ArrayList<>();
        Map<String, String> conversationOfThread = new LinkedHashMap<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            String thread = unique("move");
            for (int m = 0; m < MESSAGES_EACH; m++) {
                String text = "Moving house, question " + m + " of " + thread;
                texts.add(text);
                assertThat(postToChannel(unique("msg"), thread, text).statusCode()).isEqualTo(200);
            }
            List<ReceivedRequest> accepted = awaitDeskAccepted(thread, MESSAGES_EACH, Duration.ofSeconds(30));
            conversationOfThread.put(thread, accepted.get(0).conversationId());
        }
        conversationOfThread.values().forEach(this::awaitDeskDeliveriesDone);
        logScan.texts(texts.toArray(String[]::new));
        clusterLogScan.texts(texts.toArray(String[]::new));
        hub.stop();

        String target = SharedPostgres.database(getClass());
        String[] migrate = {"migrate-store", "--from", hub.dataDir().toString(), "--to", target, "--user", "postgres"};
        CommandResult first = HubProcess.launcherCommand(hub.workDir(), Map.of(), migrate);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("verified: ");
        Matcher messages = Pattern.compile("(?m)^\\s+messages\\s+([0-9,]+)\\s+([0-9,]+)").matcher(first.output());
        assertThat(messages.find()).as("the verification lists the messages table: " + first.output()).isTrue();
        assertThat(messages.group(2)).isEqualTo(messages.group(1));
        assertThat(Long.parseLong(messages.group(1).replace(",", ""))).isGreaterThanOrEqualTo(
                CONVERSATIONS * MESSAGES_EACH);
        texts.forEach(t -> assertThat(first.output()).doesNotContain(t));

        CommandResult again = HubProcess.launcherCommand(hub.workDir(), Map.of(), migrate);
        assertThat(again.exitCode()).as(again.output()).isEqualTo(1);
        assertThat(again.output()).contains("not empty");

        cluster = HubCluster.of(getClass(), standardConfig()).database(target).nodes(2)
                .leaseTtl(Duration.ofSeconds(3)).start();
        for (int i = 0; i < cluster.size(); i++) {
            for (Map.Entry<String, String> e : conversationOfThread.entrySet()) {
                String id = e.getValue();
                JsonNode conversation = cluster.http(i).adminJson("/api/conversations/" + id);
                assertThat(conversation.path("deskTickets").path(DESK).asText()).as(cluster.nodeId(i) + " " + id)
                        .isEqualTo("T-" + id);
                JsonNode stored = cluster.http(i).adminJson("/api/messages?limit=100&conversationId=" + id)
                        .path("messages");
                assertThat(stored.size()).as(cluster.nodeId(i) + " messages of " + id).isEqualTo(MESSAGES_EACH);
            }
        }

        // The moved conversations go on: a follow-up posted to any node joins its conversation and reaches the desk
        // once, from whichever node holds the conversation's share.
        for (Map.Entry<String, String> e : conversationOfThread.entrySet()) {
            String text = "After the move, one more question of " + e.getKey();
            clusterLogScan.texts(text);
            assertThat(cluster.next().postSigned("/hooks/" + WEB, CHANNEL_SECRET,
                    dev.omnibridge.systemtest.support.Messages.inbound(unique("after"), e.getKey(), text))
                    .statusCode()).isEqualTo(200);
        }
        for (Map.Entry<String, String> e : conversationOfThread.entrySet()) {
            List<ReceivedRequest> accepted = awaitDeskAccepted(e.getKey(), MESSAGES_EACH + 1, Duration.ofSeconds(30));
            assertThat(accepted).hasSize(MESSAGES_EACH + 1)
                    .allSatisfy(r -> assertThat(r.conversationId()).isEqualTo(e.getValue()));
        }
    }
}
