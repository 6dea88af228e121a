package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.Skipped;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input a channel received for a conversation but did not store (an auto-reply to the acknowledgement, a bounce)
 * shows in that conversation's timeline with its reason, on a real hub through {@code GET /api/messages}; input the
 * channel could not tie to a conversation, or tied to another one, does not.
 */
class SkippedInTimelineTest {
    private static final String TOKEN = "skipped-timeline-admin-token";
    private final StandInConnectors connectors = new StandInConnectors("skipped");
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

    @Test
    void skippedInputWithTheConversationsThreadKeyShowsInItsTimelineWithItsReason() throws Exception {
        startHub();
        submit(Inbound.messages(List.of(message("m-1", "thread-1", "Where is my order?"),
                message("m-2", "thread-2", "Another question"))));
        submit(Inbound.none().withSkipped(List.of(
                Skipped.ignored("oof-1", "Auto-Submitted: auto-replied", null).withThreadKey("thread-1"),
                Skipped.ignored("oof-2", "out-of-office subject", null),
                Skipped.ignored("oof-3", "null Return-Path (<>)", null).withThreadKey("thread-2"),
                Skipped.ignored("oof-4", "sent by mailer-daemon", null).withThreadKey("no-such-thread"))));

        JsonNode timeline = timeline(conversationOf("m-1"));

        assertThat(timeline.path("messages")).hasSize(1);
        List<JsonNode> skipped = StreamSupport.stream(timeline.path("automation").spliterator(), false)
                .filter(e -> e.path("kind").asText().equals("SKIPPED_INBOUND")).toList();
        assertThat(skipped).as("only the item tied to this conversation").singleElement().satisfies(e -> {
            assertThat(e.path("detail").asText())
                    .isEqualTo("skipped (Auto-Submitted: auto-replied): not stored as a message, not acknowledged");
            assertThat(e.hasNonNull("messageId")).as("about no stored message").isFalse();
            assertThat(e.path("at").asText()).isNotEmpty();
        });
        // The item the channel could not tie to a conversation is still listed for operators, as before.
        assertThat(json(local.send(local.withToken(local.get("/api/skipped")))).path("skipped").toString())
                .contains("oof-2").contains("oof-1");
    }

    @Test
    void aConversationWithoutSkippedInputShowsNone() throws Exception {
        startHub();
        submit(Inbound.messages(List.of(message("m-1", "thread-1", "Hello"))));
        submit(Inbound.none().withSkipped(List.of(Skipped.ignored("oof-2", "out-of-office subject", null))));

        JsonNode timeline = timeline(conversationOf("m-1"));

        assertThat(timeline.path("messages")).hasSize(1);
        assertThat(timeline.path("automation").toString()).doesNotContain("SKIPPED_INBOUND");
    }

    // --- helpers ---

    private void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("mail", connectors.channel().name()),
                        instance("desk", connectors.desk().name())),
                List.of(new HubConfig.Route("mail", List.of("desk"))), connectors.channel(), connectors.desk());
    }

    private Message message(String channelMessageId, String threadKey, String text) {
        return Message.builder().channel(new ChannelRef(connectors.channel().name(), "mail"))
                .channelMessageId(channelMessageId).threadKey(threadKey)
                .author(Author.customer("Ann", Address.email("ann@example.com"))).text(text).build();
    }

    private void submit(Inbound inbound) throws Exception {
        connectors.context("mail").submit(inbound).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private String conversationOf(String channelMessageId) {
        JsonNode all = json(local.send(local.withToken(local.get("/api/messages?limit=100"))));
        return StreamSupport.stream(all.path("messages").spliterator(), false).map(v -> v.path("message"))
                .filter(m -> m.path("channelMessageId").asText().equals(channelMessageId)).findFirst()
                .orElseThrow().path("conversationId").asText();
    }

    private JsonNode timeline(String conversationId) {
        return json(local.send(local.withToken(local.get("/api/messages?conversationId="
                + URLEncoder.encode(conversationId, StandardCharsets.UTF_8)))));
    }
}
