package dev.omnibridge.hub.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.HelpArticle;
import dev.omnibridge.spi.HelpCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hub with a knowledge file and two synced desks: one whose connector has a help center (an in-test one whose
 * articles and failures the test controls) and one without. The help center's articles become entries, a refresh
 * takes its changes, its failure shows in /health and the API with the last good entries kept, and the desk
 * without a help center is reported, not fatal.
 */
class KnowledgeSyncHubTest {
    private static final String TOKEN = "knowledge-admin-token";
    private final LocalHub local = new LocalHub(TOKEN);
    /** What the help center answers next: its articles, or the failure to throw. */
    private final AtomicReference<Object> helpCenter = new AtomicReference<>(List.of(
            article("101", "en-us", "How do I pair the headphones with my phone?",
                    "Hold the power button for 5 seconds until the light blinks blue."),
            article("101", "de", "Wie verbinde ich die Kopfhörer mit meinem Handy?",
                    "Halten Sie die Einschalttaste 5 Sekunden gedrückt.")));

    @TempDir
    Path dir;

    @Test
    void helpCenterArticlesAreSyncedRefreshedAndTheirFailuresReported() throws Exception {
        Path faq = dir.resolve("faq.yaml");
        Files.writeString(faq, """
                entries:
                  - id: opening-hours
                    en:
                      questions:
                        - What are your opening hours?
                      answer: We are open 9 to 18.
                """);
        StandInConnectors standIns = new StandInConnectors("kb");
        TestType withHelpCenter = new TestType("kb-help-desk", "a desk with a help center", HelpDesk::new);
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(
                        LocalHub.instance("help", "kb-help-desk"), LocalHub.instance("plain", standIns.desk().name())),
                List.of()).withKnowledge(new KnowledgeConfig(List.of(faq), List.of("en", "de"), List.of(
                new KnowledgeConfig.Sync("help", Duration.ofHours(6)),
                new KnowledgeConfig.Sync("plain", Duration.ofHours(6)))));

        try (Hub hub = Hub.start(config, List.of(withHelpCenter, standIns.desk()))) {
            Poll.until("the first sync of the help center", () -> source(knowledge(), "help").path("state").asText()
                    .equals("OK"), this::knowledge);
            JsonNode overview = knowledge();
            assertThat(overview.path("entries").findValuesAsText("id")).containsExactly("opening-hours", "help:101");
            JsonNode article = overview.path("entries").get(1);
            assertThat(article.path("languages").toString()).isEqualTo("[\"en\",\"de\"]");
            assertThat(article.path("link").asText()).isEqualTo("https://help.example/articles/101");
            assertThat(article.path("source").asText()).isEqualTo("help");
            assertThat(source(overview, "faq.yaml").path("state").asText()).isEqualTo("OK");
            assertThat(source(overview, "help").path("entries").asInt()).isEqualTo(1);
            Poll.until("the desk without a help center reported", () -> source(knowledge(), "plain")
                    .path("state").asText().equals("FAILED"), this::knowledge);
            assertThat(source(knowledge(), "plain").path("lastError").asText())
                    .isEqualTo("desk 'plain' (type kb-desk) has no help center the hub can read");

            JsonNode search = search("how do I pair my headphones", "en");
            assertThat(search.path("threshold").asDouble()).isEqualTo(0.5);
            assertThat(search.path("matches").get(0).path("entryId").asText()).isEqualTo("help:101");
            assertThat(search.path("matches").get(0).path("aboveThreshold").asBoolean()).isTrue();
            assertThat(search("Kopfhörer mit dem Handy verbinden", "de").path("matches").get(0).path("answer")
                    .asText()).isEqualTo("Halten Sie die Einschalttaste 5 Sekunden gedrückt.");

            // The help center changes: a refresh takes the new article at once.
            helpCenter.set(List.of(
                    article("101", "en", "How do I pair the headphones with my phone?", "Hold the power button."),
                    article("102", "en", "How do I update the firmware?", "Open the app and choose Update.")));
            JsonNode refreshed = LocalHub.json(local.send(local.withToken(local.postJson("/api/knowledge/refresh",
                    ""))));
            assertThat(source(refreshed, "help").path("entries").asInt()).isEqualTo(2);
            assertThat(search("firmware update", "en").path("matches").get(0).path("entryId").asText())
                    .isEqualTo("help:102");

            // It fails: /health and the API say so, the last good entries stay searchable.
            helpCenter.set(DeliveryException.permanent("help center answered 401 Unauthorized"));
            local.send(local.withToken(local.postJson("/api/knowledge/refresh", "")));
            var health = local.send(local.get("/health"));
            assertThat(health.statusCode()).as("a failing sync does not take the hub down").isEqualTo(200);
            JsonNode part = LocalHub.json(health).path("knowledge");
            assertThat(part.path("status").asText()).isEqualTo("FAILED");
            JsonNode failed = source(part, "help");
            assertThat(failed.path("state").asText()).isEqualTo("FAILED");
            assertThat(failed.path("lastError").asText())
                    .isEqualTo("help center of 'help': help center answered 401 Unauthorized");
            assertThat(failed.path("entries").asInt()).isEqualTo(2);
            assertThat(failed.path("lastSyncAt").isTextual()).isTrue();
            assertThat(search("firmware update", "en").path("matches").get(0).path("entryId").asText())
                    .isEqualTo("help:102");

            // The admin token guards the API.
            assertThat(local.send(local.get("/api/knowledge")).statusCode()).isEqualTo(401);
        }
    }

    private JsonNode knowledge() {
        return LocalHub.json(local.send(local.withToken(local.get("/api/knowledge"))));
    }

    private JsonNode search(String q, String lang) {
        return LocalHub.json(local.send(local.withToken(local.get("/api/knowledge/search?q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&lang=" + lang))));
    }

    private static JsonNode source(JsonNode body, String name) {
        for (JsonNode s : body.path("sources")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static HelpArticle article(String id, String locale, String title, String body) {
        return new HelpArticle(id, locale, title, body, "https://help.example/articles/" + id, List.of("faq"),
                null);
    }

    /** A desk whose help center answers what the test put in {@link #helpCenter}. */
    private final class HelpDesk implements DeskConnector, HelpCenter {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            return new DeskResult("T-1", "c-" + delivery.message().id());
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<HelpArticle> articles() {
            Object next = helpCenter.get();
            if (next instanceof DeliveryException e) {
                throw e;
            }
            return new ArrayList<>((List<HelpArticle>) next);
        }
    }
}
