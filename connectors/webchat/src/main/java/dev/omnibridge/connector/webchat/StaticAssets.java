package dev.omnibridge.connector.webchat;

import dev.omnibridge.webhook.WebhookResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The widget's script and style sheet and the demo page, read once from the plugin's jar. */
final class StaticAssets {
    private static final String BASE = "/dev/omnibridge/connector/webchat/";
    static final byte[] WIDGET_JS = load("widget.js");
    static final byte[] WIDGET_CSS = load("widget.css");
    static final byte[] DEMO_HTML = load("demo.html");

    private StaticAssets() {
    }

    /** The asset at {@code subPath}, or null when there is none. */
    static WebhookResponse asset(String subPath) {
        return switch (subPath) {
            case "widget.js" -> cached(new WebhookResponse(200, "text/javascript; charset=utf-8", WIDGET_JS));
            case "widget.css" -> cached(new WebhookResponse(200, "text/css; charset=utf-8", WIDGET_CSS));
            case "demo" -> new WebhookResponse(200, "text/html; charset=utf-8", DEMO_HTML).withHeaders(Map.of(
                    "Cache-Control", "no-cache",
                    "Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
                            + "img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; "
                            + "base-uri 'none'; frame-ancestors 'none'",
                    "X-Frame-Options", "DENY"));
            default -> null;
        };
    }

    private static WebhookResponse cached(WebhookResponse r) {
        // Short: a hub upgrade reaches visitors within minutes. Any site may load the script (no CORS needed).
        return r.withHeaders(Map.of("Cache-Control", "public, max-age=300", "Cross-Origin-Resource-Policy",
                "cross-origin"));
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BASE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
