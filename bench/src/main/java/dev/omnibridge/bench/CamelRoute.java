package dev.omnibridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Baseline (b): the hub's job written by hand as Camel routes, no plugins. platform-http -> check signature ->
 * parse JSON -> JDBC insert (group commit, crash-safe H2) -> answer -> POST to the stub, then mark delivered.
 * {@code /hooks/web} forwards to the desk URL, {@code /hooks/desk} (replies) to the channel callback URL.
 * Run as its own process: {@code CamelRoute <port> <dataDir> <deskUrl> <callbackUrl>}.
 */
public final class CamelRoute {
    private CamelRoute() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dataDir = Files.createDirectories(Path.of(args[1]));
        GroupCommitStore store = new GroupCommitStore(dataDir);
        Forwarder forwarder = new Forwarder(16, store);
        CamelContext camel = new DefaultCamelContext();
        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost("127.0.0.1");
        http.setBindPort(port);
        camel.addService(new VertxPlatformHttpServer(http));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/health?httpMethodRestrict=GET").setBody(constant("{\"status\":\"UP\"}"));
                from("platform-http:/hooks/web?httpMethodRestrict=POST")
                        .process(new Ingest("web", new Signer(Payloads.CHANNEL_SECRET), store, forwarder, args[2],
                                new Signer(Payloads.DESK_SECRET)));
                from("platform-http:/hooks/desk?httpMethodRestrict=POST")
                        .process(new Ingest("desk", new Signer(Payloads.DESK_SECRET), store, forwarder, args[3],
                                new Signer(Payloads.CHANNEL_SECRET)));
            }
        });
        camel.start();
        Runtime.getRuntime().addShutdownHook(new Thread(camel::stop));
        Thread.currentThread().join();
    }

    /** Verify, parse, store, acknowledge, then hand each stored message to the forwarder. */
    private record Ingest(String source, Signer verifier, GroupCommitStore store, Forwarder forwarder, String targetUrl,
                          Signer targetSigner) implements Processor {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public void process(Exchange exchange) throws Exception {
            var in = exchange.getMessage();
            byte[] body = in.getBody(byte[].class);
            if (body == null || !verifier.sign(body).equals(in.getHeader(Signer.HEADER, String.class))) {
                answer(exchange, 401, "{\"error\":\"bad signature\"}");
                return;
            }
            JsonNode root = JSON.readTree(body);
            List<JsonNode> items = new ArrayList<>();
            if (root.isArray()) {
                root.forEach(items::add);
            } else {
                items.add(root);
            }
            List<Long> ids = store.submit(c -> {
                List<Long> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (source, source_id, thread_key,"
                        + " body, received_at) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    for (JsonNode item : items) {
                        ps.setString(1, source);
                        ps.setString(2, item.path(item.has("replyId") ? "replyId" : "channelMessageId").asText());
                        ps.setString(3, item.path(item.has("ticketRef") ? "ticketRef" : "threadKey").asText());
                        ps.setString(4, item.toString());
                        ps.setObject(5, OffsetDateTime.now());
                        ps.executeUpdate();
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            out.add(keys.getLong(1));
                        }
                    }
                }
                return out;
            }).get(30, TimeUnit.SECONDS);
            answer(exchange, 200, "{\"status\":\"stored\"}");
            for (int i = 0; i < items.size(); i++) {
                forwarder.forward(ids.get(i), targetUrl, targetSigner, Payloads.bytes(items.get(i).toString()));
            }
        }

        private static void answer(Exchange exchange, int status, String json) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody(json);
        }
    }
}
