package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.hub.triage.TriageConfig;
import dev.omnibridge.hub.triage.TriageRecord;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The triage record of a customer message (what {@link TriageRecord} keeps in its metadata, with its language,
 * priority and tags) reaches the console's conversation timeline through {@code GET /api/messages}, and the console
 * reads it under the same keys. The browser side: ConsoleTriageBrowserTest in system-tests.
 */
class TriageInTimelineTest {
    private static final String TOKEN = "triage-timeline-admin-token";
    private final StandInConnectors connectors = new StandInConnectors("triage");
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
    void theTimelineServesTheTriageRecordWithTheMessagesLanguagePriorityAndTags() throws Exception {
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("mail", connectors.channel().name()),
                        instance("desk-de", connectors.desk().name())),
                List.of(new HubConfig.Route("mail", List.of("desk-de"))));
        hub = Hub.start(config.withTriage(triage("""
                triage:
                  languages: [de, en]
                  lists:
                    vip: [jonas@example.de]
                  rules:
                    - name: urgent-words
                      when: {keywords: {de: [dringend]}}
                      set: {priority: URGENT, tags: [urgent]}
                    - name: vip
                      when: {contactIn: vip}
                      set: {priority: HIGH, tags: [vip]}
                """)), List.of(connectors.channel(), connectors.desk()));
        // The channel gives no language, priority or tags: triage sets them, and its record.
        Message plain = Message.builder().channel(new ChannelRef(connectors.channel().name(), "mail"))
                .channelMessageId("m-1").threadKey("thread-1")
                .author(Author.customer("Jonas", Address.email("jonas@example.de")))
                .text("Dringend: meine Bestellung ist immer noch nicht angekommen, bitte helfen Sie mir").build();
        connectors.context("mail").submit(Inbound.messages(List.of(plain))).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);

        JsonNode all = json(local.send(local.withToken(local.get("/api/messages?limit=10"))));
        String conversation = all.path("messages").get(0).path("message").path("conversationId").asText();
        JsonNode message = json(local.send(local.withToken(local.get("/api/messages?conversationId="
                + URLEncoder.encode(conversation, StandardCharsets.UTF_8))))).path("messages").get(0).path("message");

        assertThat(message.path("language").asText()).isEqualTo("de");
        assertThat(message.path("priority").asText()).isEqualTo("URGENT");
        assertThat(message.path("tags")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("urgent", "vip", "lang:de");
        assertThat(message.path("metadata").path(TriageRecord.LANGUAGE).asText()).matches("de [01]\\.\\d\\d");
        assertThat(message.path("metadata").path(TriageRecord.RULES).asText()).isEqualTo("urgent-words,vip");
        assertThat(message.path("metadata").path(TriageRecord.ROUTE).asText()).isEqualTo("mail->desk-de");
    }

    /** The {@code triage:} section as the loader reads it. */
    private TriageConfig triage(String yaml) throws IOException {
        Path file = dir.resolve("triage.yaml");
        Files.writeString(file, "hub: {adminToken: " + TOKEN + "}\ninstances:\n  - {id: mail, type: x}\n" + yaml);
        ConfigLoader.Result result = ConfigLoader.withSystemEnvironment().load(file);
        assertThat(result.problems()).isEmpty();
        return result.config().triage();
    }

    @Test
    void theConsoleReadsTheTriageRecordUnderTheKeysTriageWrites() throws IOException {
        String console;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/console/console.js"))) {
            console = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(console).contains("md['" + TriageRecord.LANGUAGE + "']")
                .contains("list('" + TriageRecord.RULES + "')")
                .contains("list('" + TriageRecord.ROUTE + "')")
                .contains("t.startsWith('" + TriageRecord.LANGUAGE_TAG_PREFIX + "')");
    }
}
