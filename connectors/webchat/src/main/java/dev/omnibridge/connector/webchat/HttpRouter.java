package dev.omnibridge.connector.webchat;

import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP side of the chat under {@code /hooks/<id>/}: checks origin and the per-address limit, answers CORS
 * preflights, serves the static assets and routes API paths to {@link ChatApi} and {@link FileEndpoint}. Every
 * refusal becomes {@code {"error":...}} carrying the CORS headers, so the widget can read and show it.
 */
final class HttpRouter {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);

    private final ChatApi api;
    private final FileEndpoint files;

    HttpRouter(ChatApi api, FileEndpoint files) {
        this.api = api;
        this.files = files;
    }

    /** Handles one request; {@code r} is null when the instance is not running (503). */
    WebhookOutcome handle(ChatInstance r, WebhookRequest request) {
        String origin = request.header("Origin").orElse(null);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        try {
            if (r == null) {
                throw new Refusal(503, "the chat is not running");
            }
            if (origin != null) {
                if (!r.origins().allows(origin, request)) {
                    throw new Refusal(403, "this site (origin) may not use the chat");
                }
                headers.put("Access-Control-Allow-Origin", origin);   // that origin only, never "*"
            }
            headers.put("Vary", "Origin");
            r.limitIp(request.remoteAddress());
            String method = request.method();
            if ("OPTIONS".equals(method)) {
                headers.put("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                headers.put("Access-Control-Allow-Headers", "Authorization, Content-Type");
                headers.put("Access-Control-Max-Age", "600");
                return WebhookOutcome.respond(new WebhookResponse(204, null, null, headers));
            }
            WebhookResponse asset = StaticAssets.asset(request.subPath());
            if (asset != null) {
                requireMethod(method, "GET");
                return WebhookOutcome.respond(asset.withHeaders(headers));
            }
            if (!"GET".equals(method) && origin == null) {
                // Browsers always send Origin on POST; without one this is not the widget.
                throw new Refusal(403, "requests must carry an Origin header");
            }
            WebhookResponse response = route(r, request, origin);
            headers.putIfAbsent("Cache-Control", "no-store");
            return WebhookOutcome.respond(response.withHeaders(headers).withHeaders(response.headers()));
        } catch (WebhookRejectedException e) {
            return WebhookOutcome.respond(refusal(r, request, e, headers));
        }
    }

    private WebhookResponse route(ChatInstance r, WebhookRequest request, String origin) {
        String method = request.method();
        String path = request.subPath();
        return switch (path) {
            case "config" -> {
                requireMethod(method, "GET");
                yield api.config(r);
            }
            case "session" -> {
                requireMethod(method, "POST");
                yield api.session(r, request);
            }
            case "messages" -> "GET".equals(method) ? api.history(r, request) : api.postMessage(r, request, origin);
            case "receipts" -> {
                requireMethod(method, "POST");
                yield api.receipts(r, request);
            }
            case "files" -> {
                requireMethod(method, "POST");
                yield files.post(r, request, origin);
            }
            case "socket" -> throw new Refusal(426, "open this path as a WebSocket");
            default -> {
                if (path.startsWith("files/")) {
                    requireMethod(method, "GET");
                    yield files.get(r, request, path.substring("files/".length()));
                }
                throw new Refusal(404, "no such chat resource; see docs/contracts.md, webchat wire protocol");
            }
        };
    }

    private static WebhookResponse refusal(ChatInstance r, WebhookRequest request, WebhookRejectedException e,
                                           Map<String, String> headers) {
        long retryAfter = Refusal.retryAfter(e);
        if (retryAfter > 0) {
            headers.put("Retry-After", Long.toString(retryAfter));
        }
        headers.put("Cache-Control", "no-store");
        // Worth an operator's attention: a misconfigured site (403) or a hub problem (5xx); the rest is visitor noise.
        if (e.status() >= 500 || e.status() == 403) {
            LOG.info("{}: refused {} {} from {} with {}: {}", r == null ? "webchat" : r.instanceId(),
                    request.method(), request.subPath(), request.remoteAddress(), e.status(), e.getMessage());
        }
        return new WebhookResponse(e.status(), "application/json", Frames.bytes(Map.of("error", e.getMessage())),
                headers);
    }

    static void requireMethod(String method, String allowed) {
        if (!allowed.equals(method)) {
            throw new Refusal(405, "method " + method + " not allowed here; use " + allowed);
        }
    }
}
