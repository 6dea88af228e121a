package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A customer's website on its own origin (a JDK HTTP server on another port) that embeds the hub's chat widget with
 * one script tag, plus helpers to reach into the widget's Shadow DOM and to call the chat's HTTP API as the site's
 * visitor would. The page also carries hostile global CSS, to show that none of it leaks into the widget.
 */
public final class WebchatSite implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * For {@code /blocked-socket}: a network that never lets a WebSocket through (a proxy dropping the upgrade), as
     * the browser reports it: the connection errors and closes without ever opening. Everything else still works.
     */
    private static final String BLOCKED_SOCKET = "<script>window.WebSocket = function (url) { var s = this;"
            + " s.readyState = 0; window.__socketAttempts = (window.__socketAttempts || 0) + 1;"
            + " setTimeout(function () { s.readyState = 3; if (s.onerror) { s.onerror(new Event('error')); }"
            + " if (s.onclose) { s.onclose({code: 1006, reason: ''}); } }, 100); };"
            + " window.WebSocket.prototype.send = function () { throw new Error('not open'); };"
            + " window.WebSocket.prototype.close = function () {};</script>";

    private final HttpServer server;
    private volatile String hookUrl;

    private WebchatSite(HttpServer server) {
        this.server = server;
    }

    /**
     * Serves {@code /} with {@code <script src="<hookUrl>/widget.js" data-...>}; the hook URL is set with
     * {@link #embed} once the hub (whose configuration needs this site's origin) runs.
     */
    public static WebchatSite start(String dataAttributes) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebchatSite site = new WebchatSite(server);
            server.createContext("/", exchange -> {
                String page = "<!doctype html><html><head><meta charset='utf-8'>"
                        + "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Shop</title>"
                        + "<style>* { color: rgb(255, 0, 0) !important; font-size: 40px !important; }"
                        + " button { display: none !important; }</style></head>"
                        + "<body><h1>Example shop</h1><p>Products and prices.</p>"
                        + ("/blocked-socket".equals(exchange.getRequestURI().getPath()) ? BLOCKED_SOCKET : "")
                        + "<script src='" + site.hookUrl + "/widget.js' " + dataAttributes + " async></script>"
                        + "</body></html>";
                byte[] body = page.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return site;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which chat the page embeds: {@code <hub>/hooks/<instance>}. */
    public void embed(String chatHookUrl) {
        this.hookUrl = chatHookUrl;
    }

    /** Polls {@code value} until it gives non-null (exceptions count as "not yet"), at most {@code timeout}. */
    public static <T> T await(Duration timeout, String description, java.util.function.Supplier<T> value) {
        java.util.concurrent.atomic.AtomicReference<T> found = new java.util.concurrent.atomic.AtomicReference<>();
        Poll.until(timeout, description, () -> {
            found.set(value.get());
            return found.get() != null;
        });
        return found.get();
    }

    /** {@code http://127.0.0.1:<port>}, to list in the chat's allowedOrigins. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String pageUrl() {
        return origin() + "/";
    }

    // ---------------------------------------------------------------------------------------- the widget in a page
    private static final String ROOT = "var h = document.getElementById('omnibridge-webchat');"
            + " var r = h && h.shadowRoot;";

    /** The first element in the widget's Shadow DOM matching {@code css}, or null. */
    public static WebElement widget(ConsoleBrowser browser, String css) {
        return (WebElement) browser.script(ROOT + " return r ? r.querySelector(arguments[0]) : null;", css);
    }

    /** The text of every element in the widget matching {@code css}. */
    @SuppressWarnings("unchecked")
    public static List<String> widgetTexts(ConsoleBrowser browser, String css) {
        return (List<String>) browser.script(ROOT + " if (!r) return [];"
                + " return Array.from(r.querySelectorAll(arguments[0])).map(function (e) { return e.textContent; });",
                css);
    }

    public static long widgetCount(ConsoleBrowser browser, String css) {
        return (Long) browser.script(ROOT + " return r ? r.querySelectorAll(arguments[0]).length : 0;", css);
    }

    /** Waits until an element of the widget matching {@code css} contains {@code text}. */
    public static void untilWidgetText(ConsoleBrowser browser, String css, String text) {
        browser.until("the widget's " + css + " shows '" + text + "'",
                d -> widgetTexts(browser, css).stream().anyMatch(t -> t.contains(text)) ? Boolean.TRUE : null);
    }

    /** Waits for the widget, opens its panel. */
    public static void openWidget(ConsoleBrowser browser) {
        browser.until("the chat launcher", d -> widget(browser, ".launcher"));
        browser.until("the chat panel", d -> {
            WebElement panel = widget(browser, ".panel");
            if (panel != null && panel.isDisplayed()) {
                return Boolean.TRUE;
            }
            browser.script("window.OmnibridgeWebchat.open()");
            return null;
        });
    }

    /** Types {@code text} into the widget's input and presses Enter. */
    public static void send(ConsoleBrowser browser, String text) {
        WebElement input = browser.until("the chat input", d -> widget(browser, ".input"));
        input.sendKeys(text);
        input.sendKeys(org.openqa.selenium.Keys.ENTER);
    }

    /** The same shop page on a network that blocks WebSockets. */
    public String blockedSocketPageUrl() {
        return origin() + "/blocked-socket";
    }

    public static String transport(ConsoleBrowser browser) {
        return (String) browser.script("return window.OmnibridgeWebchat ? window.OmnibridgeWebchat.transport() : null");
    }

    // ---------------------------------------------------------------------------------------- the HTTP API
    /** A call to the chat's HTTP API from this site's origin, as the widget makes it. */
    public HttpResponse<String> call(String method, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hookUrl + "/" + path)).timeout(Duration.ofSeconds(10))
                .header("Origin", origin());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new visitor session: its token. */
    public String newSession(String name) {
        HttpResponse<String> r = call("POST", "session", null, "{\"name\":\"" + name + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("session: " + r.statusCode() + " " + r.body());
        }
        JsonNode body = Json.parse(r.body());
        return body.path("token").asText();
    }

    /** An agent reply through the admin API (what the console's answer box does). */
    public static HttpResponse<String> adminReply(String hubUrl, String conversationId, String text) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hubUrl + "/api/conversations/" + conversationId
                        + "/replies")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + HubProcess.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("author", "Alice Agent")
                        .put("text", text)), StandardCharsets.UTF_8)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
