package dev.omnibridge.hub.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backfill API on a real hub: conversations stored while channel {@code web} fed desk {@code old} only; after a
 * restart with desk {@code new} added to the route, {@code POST /api/backfills} sends it their history, watched through
 * {@code GET /api/backfills/{id}} until done, and audited.
 */
class BackfillApiTest {
    private static final String TOKEN = "backfill-api-admin-token";
    private final StandInConnectors connectors = new StandInConnectors("backfill");
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private Hub start(List<String> desks) throws Exception {
        return local.start(dir, LocalHub.QUICK_DELIVERY, List.of(instance("web", connectors.channel().name()),
                        instance("old", connectors.desk().name()), instance("new", connectors.desk().name())),
                List.of(new HubConfig.Route("web", desks)), connectors.channel(), connectors.desk());
    }

    private JsonNode get(String path) {
        return json(local.send(local.withToken(local.get(path))));
    }

    private int post(String path, String body) {
        return local.send(local.withToken(local.postJson(path, body))).statusCode();
    }

    /** The conversation's deliveries to {@code desk}: their status. */
    private List<String> deliveriesTo(String conversation, String desk) {
        List<String> out = new ArrayList<>();
        get("/api/messages?conversationId=" + conversation).path("messages").forEach(m -> m.path("deliveries")
                .forEach(d -> {
                    if (desk.equals(d.path("target").asText())) {
                        out.add(d.path("status").asText());
                    }
                }));
        return out;
    }

    @Test
    void aDeskAddedToARouteIsSentTheOpenConversationsThroughTheApiAndTheProgressIsWatchedUntilDone() throws Exception {
        hub = start(List.of("old"));
        for (int i = 1; i <= 2; i++) {
            connectors.context("web").submit(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(connectors.channel().name(), "web")).channelMessageId("m-" + i)
                    .threadKey("t-" + i).author(Author.customer("Ann", Address.phone("+1555000" + i)))
                    .text("Question " + i).build()))).toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        List<String> conversations = new ArrayList<>();
        get("/api/conversations").path("conversations").forEach(c -> conversations.add(c.path("id").asText()));
        assertThat(conversations).hasSize(2);
        hub.close();

        hub = start(List.of("old", "new"));
        assertThat(post("/api/backfills", "{\"desk\": \"nowhere\", \"open\": true}")).isEqualTo(400);
        assertThat(post("/api/backfills", "{\"desk\": \"new\", \"from\": \"yesterday\", \"to\": \"today\"}"))
                .isEqualTo(400);
        var started = local.send(local.withToken(local.postJson("/api/backfills", "{\"desk\": \"new\", \"open\": true}")));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).path("id").asText();

        Poll.until("the backfill is done", () -> "DONE".equals(get("/api/backfills/" + id).path("state").asText()));
        JsonNode done = get("/api/backfills/" + id);
        assertThat(done.path("conversations").asInt()).isEqualTo(2);
        assertThat(done.path("messages").asInt()).isEqualTo(2);
        assertThat(done.path("requestedBy").asText()).isEqualTo("admin-token");
        for (String conversation : conversations) {
            Poll.until("conversation " + conversation + " is on the new desk",
                    () -> deliveriesTo(conversation, "new").equals(List.of("DONE")));
        }
        assertThat(get("/api/backfills").path("backfills")).hasSize(1);
        assertThat(local.send(local.withToken(local.get("/api/backfills/no-such-id"))).statusCode()).isEqualTo(404);
        assertThat(get("/api/audit?action=backfill").path("entries")).extracting(e -> e.path("subject").asText())
                .containsExactly(id);
    }
}
