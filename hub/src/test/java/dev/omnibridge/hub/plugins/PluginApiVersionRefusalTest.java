package dev.omnibridge.hub.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-means 2 of issue 24: a plugin built for another major version of the plugin API is refused at load, with a
 * reason naming both versions in {@code /health} and {@code /api/instances}; the hub and the other plugins' instances
 * run on and take messages. A plugin that declares a fitting range but was built against classes this hub's API lacks
 * fails its instance at its first call with a reason naming the plugin and both versions.
 */
class PluginApiVersionRefusalTest {
    private static final String TOKEN = "refusal-test-admin-token-8f3k";

    @TempDir
    Path dir;

    @Test
    void aPluginForTheNextMajorApiIsRefusedWithBothVersionsWhileTheOtherInstanceTakesMessages() throws Exception {
        Path plugins = dir.resolve("plugins");
        TestPlugins.pluginZip(plugins.resolve("omnibridge-good-1.2.3-plugin.zip"), "good", "1.2.3",
                ">=1.1.0 & <2.0.0", channelPlugin("com.acme.good", "good-channel"), "com.acme.good.Type");
        TestPlugins.pluginZip(plugins.resolve("omnibridge-future-2.0.0-plugin.zip"), "future", "2.0.0",
                ">=2.0.0 & <3.0.0", channelPlugin("com.acme.future", "future-channel"), "com.acme.future.Type");
        TestPlugins.pluginZip(plugins.resolve("omnibridge-stale-1.0.0-plugin.zip"), "stale", "1.0.0",
                ">=1.1.0 & <2.0.0", stalePlugin(), "com.acme.stale.Type", "com.acme.stale.ChatType");
        String expected = "plugin future 2.0.0 requires Omnibridge plugin API >=2.0.0 & <3.0.0; this hub has "
                + PluginApiVersion.release();

        LocalHub local = new LocalHub(TOKEN);
        try (Hub hub = local.start(dir, LocalHub.QUICK_DELIVERY, List.of(LocalHub.instance("good", "good-channel"),
                LocalHub.instance("future", "future-channel"), LocalHub.instance("stale", "stale-desk"),
                LocalHub.instance("stale-chat", "stale-channel")),
                List.of(new HubConfig.Route("good", List.of("stale"))))) {
            JsonNode health = LocalHub.json(local.send(local.get("/health")));

            assertThat(health.path("instances").path("good").path("state").asText()).isEqualTo("RUNNING");
            assertThat(health.path("instances").path("future").path("state").asText()).isEqualTo("FAILED");
            assertThat(health.path("instances").path("future").path("lastError").asText()).contains(expected);
            JsonNode part = health.path("plugins");
            assertThat(part.path("apiVersion").asText()).isEqualTo(PluginApiVersion.release()).doesNotContain("-");
            assertThat(byId(part.path("list"))).containsOnlyKeys("good", "future", "stale");
            JsonNode good = byId(part.path("list")).get("good");
            assertThat(good.path("version").asText()).isEqualTo("1.2.3");
            assertThat(good.path("requires").asText()).isEqualTo(">=1.1.0 & <2.0.0");
            assertThat(good.path("state").asText()).isEqualTo("STARTED");
            assertThat(good.path("types").toString()).isEqualTo("[\"good-channel\"]");
            JsonNode future = byId(part.path("list")).get("future");
            assertThat(future.path("version").asText()).isEqualTo("2.0.0");
            assertThat(future.path("state").asText()).isEqualTo("FAILED");
            assertThat(future.path("reason").asText()).isEqualTo(expected);
            assertThat(future.path("types")).isEmpty();

            JsonNode instances = LocalHub.json(local.send(local.withToken(local.get("/api/instances"))));
            assertThat(instances.path("instances").path("future").path("lastError").asText()).contains(expected);

            HttpResponse<String> stored = local.send(local.postText("/hooks/good", "hello"));
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            Poll.until("the good instance counted its message", () -> LocalHub.json(local.send(local.get("/health")))
                    .path("instances").path("good").path("messagesIn").asLong() == 1);

            // The message goes on to the stale desk, whose deliver() needs a class this API does not have.
            Poll.until("the stale desk failed at its first delivery", () -> LocalHub.json(local.send(
                    local.get("/health"))).path("instances").path("stale").path("state").asText().equals("FAILED"));
            assertThat(LocalHub.json(local.send(local.get("/health"))).path("instances").path("stale")
                    .path("lastError").asText())
                    .startsWith("plugin stale 1.0.0 (requires >=1.1.0 & <2.0.0) does not fit this hub's Omnibridge "
                            + "plugin API " + PluginApiVersion.release() + ": NoClassDefFoundError")
                    .contains("dev/omnibridge/spi/FutureThing");
            // A webhook into the stale channel: 503 (the sender retries later), and the instance is FAILED alike.
            assertThat(local.send(local.postText("/hooks/stale-chat", "hello")).statusCode()).isEqualTo(503);
            JsonNode after = LocalHub.json(local.send(local.get("/health"))).path("instances");
            assertThat(after.path("stale-chat").path("state").asText()).isEqualTo("FAILED");
            assertThat(after.path("stale-chat").path("lastError").asText())
                    .startsWith("plugin stale 1.0.0 (requires >=1.1.0 & <2.0.0) does not fit");
            assertThat(after.path("good").path("state").asText()).isEqualTo("RUNNING");
        }
    }

    /**
     * A plugin (a desk and a channel type) compiled against a plugin API class this hub lacks ({@code FutureThing},
     * left out of the zip): it loads and starts, and fails when its {@code deliver} or {@code onWebhook} runs.
     */
    private Path stalePlugin() throws Exception {
        String future = """
                package dev.omnibridge.spi;

                public final class FutureThing {
                    public static String ticket() { return "T-1"; }
                }
                """;
        String desk = """
                package com.acme.stale;

                import dev.omnibridge.spi.*;

                public class Desk implements DeskConnector {
                    public void start(ConnectorContext context) { }

                    public DeskResult deliver(DeskDelivery delivery) { return DeskResult.of(FutureThing.ticket()); }
                }
                """;
        String type = """
                package com.acme.stale;

                @org.pf4j.Extension
                public class Type implements dev.omnibridge.spi.ConnectorType {
                    public String name() { return "stale-desk"; }
                    public String description() { return "desk built against a newer API"; }
                    public dev.omnibridge.config.ConfigDef config() { return dev.omnibridge.config.ConfigDef.create(); }
                    public dev.omnibridge.spi.Connector create() { return new Desk(); }
                }
                """;
        String chat = """
                package com.acme.stale;

                import dev.omnibridge.spi.*;
                import dev.omnibridge.webhook.*;

                public class Chat implements ChannelConnector {
                    public void start(ConnectorContext context) { }

                    public WebhookOutcome onWebhook(WebhookRequest request) {
                        return WebhookOutcome.respond(WebhookResponse.text(200, FutureThing.ticket()));
                    }

                    public String send(OutboundMessage outbound) { return "out-1"; }
                }
                """;
        String chatType = type.replace("class Type", "class ChatType").replace("\"stale-desk\"", "\"stale-channel\"")
                .replace("new Desk()", "new Chat()");
        Path classes = TestPlugins.compile(dir, dir.resolve("classes-stale"), Map.of(
                "dev/omnibridge/spi/FutureThing.java", future, "com/acme/stale/Desk.java", desk,
                "com/acme/stale/Type.java", type, "com/acme/stale/Chat.java", chat,
                "com/acme/stale/ChatType.java", chatType));
        Files.delete(classes.resolve("dev/omnibridge/spi/FutureThing.class"));
        return classes;
    }

    /** A channel plugin whose webhook stores its body as one customer message (type class {@code <pkg>.Type}). */
    private Path channelPlugin(String pkg, String typeName) throws Exception {
        String connector = """
                package %1$s;

                import dev.omnibridge.model.*;
                import dev.omnibridge.spi.*;
                import dev.omnibridge.webhook.*;
                import java.nio.charset.StandardCharsets;
                import java.util.List;

                public class Channel implements ChannelConnector {
                    private ConnectorContext context;

                    public void start(ConnectorContext context) { this.context = context; }

                    public WebhookOutcome onWebhook(WebhookRequest request) {
                        String text = new String(request.body(), StandardCharsets.UTF_8);
                        return WebhookOutcome.store(Inbound.builder().messages(List.of(Message.builder()
                                .channel(new ChannelRef("%2$s", context.instanceId()))
                                .channelMessageId("in-" + text.length()).threadKey("visitor-1")
                                .author(Author.customer("Visitor", Address.chatUser("visitor-1")))
                                .text(text).build())).build());
                    }

                    public String send(OutboundMessage outbound) { return "out-1"; }
                }
                """.formatted(pkg, typeName);
        String type = """
                package %1$s;

                @org.pf4j.Extension
                public class Type implements dev.omnibridge.spi.ConnectorType {
                    public String name() { return "%2$s"; }
                    public String description() { return "test channel"; }
                    public dev.omnibridge.config.ConfigDef config() { return dev.omnibridge.config.ConfigDef.create(); }
                    public dev.omnibridge.spi.Connector create() { return new Channel(); }
                }
                """.formatted(pkg, typeName);
        String path = pkg.replace('.', '/');
        return TestPlugins.compile(dir, dir.resolve("classes-" + typeName), Map.of(
                path + "/Channel.java", connector, path + "/Type.java", type));
    }

    private static Map<String, JsonNode> byId(JsonNode list) {
        Map<String, JsonNode> map = new java.util.LinkedHashMap<>();
        List<JsonNode> all = new ArrayList<>();
        list.forEach(all::add);
        all.forEach(p -> map.put(p.path("id").asText(), p));
        return map;
    }
}
