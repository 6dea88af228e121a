import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in help desk for the quickstart, JDK only (run with `java QuickstartDesk.java`). It plays two parts:
 * the desk that webhook-desk posts tickets to (POST /desk, answers with a ticket reference, honouring
 * Idempotency-Key), and the in-house system that webhook-channel posts agent replies to (POST /replies).
 * It checks each request's X-Omnibridge-Signature and prints what it received.
 */
public class QuickstartDesk {
    private static final Pattern CONVERSATION = Pattern.compile("\"conversation\":\\{\"id\":\"([^\"]+)\"");
    private static final Pattern TEXT = Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Map<String, String> TICKETS = new ConcurrentHashMap<>();
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger(1000);

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("QUICKSTART_DESK_PORT", "8090"));
        String deskSecret = System.getenv().getOrDefault("DESK_SECRET", "quickstart-desk-secret");
        String channelSecret = System.getenv().getOrDefault("WEB_SECRET", "quickstart-channel-secret");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/desk", ex -> desk(ex, deskSecret));
        server.createContext("/replies", ex -> reply(ex, channelSecret));
        server.start();
        System.out.println("Quickstart desk listening on http://127.0.0.1:" + port + " (/desk, /replies)");
    }

    private static void desk(HttpExchange ex, String secret) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!signed(ex, body, secret)) {
            answer(ex, 401, "{\"error\":\"bad signature\"}");
            return;
        }
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        String json = new String(body, StandardCharsets.UTF_8);
        String previous = key == null ? null : ANSWERS.get(key);
        if (previous != null) {
            answer(ex, 200, previous);
            return;
        }
        Matcher conv = CONVERSATION.matcher(json);
        String conversation = conv.find() ? conv.group(1) : "unknown";
        boolean isNew = !TICKETS.containsKey(conversation);
        String ticket = TICKETS.computeIfAbsent(conversation, c -> "T-" + NEXT.getAndIncrement());
        Matcher text = TEXT.matcher(json.substring(json.indexOf("\"message\"")));
        System.out.printf("[desk] %s ticket %s: %s%n", isNew ? "new" : "update to", ticket,
                text.find() ? text.group(1) : "");
        String response = "{\"ticketRef\":\"" + ticket + "\",\"itemId\":\"item-" + NEXT.getAndIncrement() + "\"}";
        if (key != null) {
            ANSWERS.put(key, response);
        }
        answer(ex, 201, response);
    }

    private static void reply(HttpExchange ex, String secret) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!signed(ex, body, secret)) {
            answer(ex, 401, "{\"error\":\"bad signature\"}");
            return;
        }
        System.out.println("[channel] reply to customer: " + new String(body, StandardCharsets.UTF_8));
        answer(ex, 200, "{\"id\":\"sent-" + NEXT.getAndIncrement() + "\"}");
    }

    private static boolean signed(HttpExchange ex, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
            String actual = ex.getRequestHeaders().getFirst("X-Omnibridge-Signature");
            return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    actual.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return false;
        }
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] out = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }
}
