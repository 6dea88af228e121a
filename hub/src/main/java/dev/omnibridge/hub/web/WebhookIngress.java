package dev.omnibridge.hub.web;

import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.runtime.InstanceUnavailableException;
import dev.omnibridge.hub.runtime.WebhookDispatch;
import dev.omnibridge.hub.store.Columns;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * The vendors' way in: {@code /hooks/<instance>[/...]} webhooks (raw bytes, answered only after what they carry is
 * stored) and WebSocket upgrades on the same paths. No admin authentication here: each connector checks its
 * vendor's signature. A hook whose instance is not running (yet) answers 503 with Retry-After, never 404: several
 * vendors drop a message for good on a 4xx.
 */
public final class WebhookIngress {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookIngress.class);
    // Framing and session headers stay the hub's: a connector cannot break the connection or set cookies.
    private static final Set<String> RESERVED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "set-cookie", "content-type");
    /** The store failed (e.g. the disk is full): worth another try soon. */
    private static final int STORE_RETRY_AFTER_SECONDS = 5;

    private final WebhookDispatch instances;
    private final Metrics metrics;
    private final ExecutorService blocking;

    public WebhookIngress(WebhookDispatch instances, Metrics metrics, ExecutorService blocking) {
        this.instances = instances;
        this.metrics = metrics;
        this.blocking = blocking;
    }

    /** @param maxBodyBytes {@code hub.http.maxBodyBytes}, for the form bodies read past Vert.x's body handler */
    public void mount(Router router, Handler<RoutingContext> bodyHandler, long maxBodyBytes) {
        Handler<RoutingContext> hookBody = new FormBody(bodyHandler, maxBodyBytes);
        // Before the body handler: a WebSocket upgrade must reach toWebSocket() with its request unread.
        router.get("/hooks/:instanceId/*").handler(this::socketOrNext);
        router.route("/hooks/:instanceId").handler(hookBody).handler(this::webhook).failureHandler(this::failure);
        router.route("/hooks/:instanceId/*").handler(hookBody).handler(this::webhook)
                .failureHandler(this::failure);
    }

    private void socketOrNext(RoutingContext ctx) {
        if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
            ctx.next();
            return;
        }
        String id = ctx.pathParam("instanceId");
        VertxLiveSocket socket = new VertxLiveSocket(id, blocking);
        LiveSocket.Listener listener;
        try {
            listener = instances.socket(id, request(ctx, null), socket);
        } catch (WebhookRejectedException e) {
            refuse(ctx, e);
            return;
        } catch (RuntimeException e) {
            LOG.error("Instance {}: socket handshake failed", id, e);
            HttpApi.error(ctx, 500, "internal error");
            return;
        }
        ctx.request().toWebSocket()
                .onSuccess(ws -> socket.attach(ws, listener))
                .onFailure(e -> {
                    LOG.debug("Instance {}: WebSocket upgrade failed: {}", id, e.getMessage());
                    socket.close(1011, "upgrade failed");
                    listener.onClose();
                    HttpApi.error(ctx, 400, "WebSocket upgrade failed");
                });
    }

    private static WebhookRequest request(RoutingContext ctx, Buffer body) {
        String prefix = "/hooks/" + ctx.pathParam("instanceId");
        String path = ctx.normalizedPath();
        String subPath = path.length() > prefix.length() ? withoutLeadingSlash(path.substring(prefix.length())) : "";
        // No query string, no parameters: spares Vert.x decoding nothing into a map for every webhook.
        Map<String, List<String>> query = ctx.request().query() == null ? Map.of() : toMap(ctx.queryParams());
        return new WebhookRequest(ctx.request().method().name(), subPath,
                URI.create(ctx.request().absoluteURI()), headers(ctx.request().headers()),
                query, body == null ? new byte[0] : body.getBytes(),
                ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress());
    }

    private void webhook(RoutingContext ctx) {
        String id = ctx.pathParam("instanceId");
        Buffer raw = ctx.get(FormBody.RAW);
        WebhookRequest request = request(ctx, raw != null ? raw : ctx.body() == null ? null : ctx.body().buffer());
        blocking.execute(() -> {
            try {
                instances.webhook(id, request).whenComplete((response, error) -> {
                    if (error == null) {
                        send(ctx, response);
                    } else {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (cause instanceof Columns.InputTooLongException tooLong) {
                            // The same input would be refused again: a retry would only repeat it. The message
                            // names the field and its limit, never the value.
                            HttpApi.error(ctx, 400, tooLong.getMessage());
                            return;
                        }
                        LOG.error("Instance {}: storing a webhook failed: {}", id, cause.getMessage());
                        ctx.response().putHeader("Retry-After", String.valueOf(STORE_RETRY_AFTER_SECONDS));
                        HttpApi.error(ctx, 503, "the message could not be stored; retry later");
                    }
                });
            } catch (WebhookRejectedException e) {
                refuse(ctx, e);
            } catch (RuntimeException e) {
                LOG.error("Instance {}: webhook handling failed", id, e);
                HttpApi.error(ctx, 500, "internal error");
            }
        });
    }

    /** A refusal's status; an instance that is not ready yet also says when to come back. */
    private static void refuse(RoutingContext ctx, WebhookRejectedException e) {
        if (e instanceof InstanceUnavailableException unavailable && !ctx.response().ended()) {
            ctx.response().putHeader("Retry-After", String.valueOf(unavailable.retryAfterSeconds()));
        }
        HttpApi.error(ctx, e.status(), e.getMessage());
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        String id = ctx.pathParam("instanceId");
        if (status == 413) {
            metrics.webhookRejected(id);
            HttpApi.error(ctx, 413, "request body is larger than the configured limit (hub.http.maxBodyBytes)");
        } else {
            HttpApi.error(ctx, status, status >= 500 ? "internal error" : "bad request");
        }
    }

    private static void send(RoutingContext ctx, WebhookResponse response) {
        var r = ctx.response().setStatusCode(response.status());
        response.headers().forEach((name, value) -> {
            if (!RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                r.putHeader(name, value);
            }
        });
        if (response.contentType() != null) {
            r.putHeader("Content-Type", response.contentType());
        }
        r.end(Buffer.buffer(response.body()));
    }

    private static String withoutLeadingSlash(String s) {
        return s.startsWith("/") ? s.substring(1) : s;
    }

    /**
     * The headers by name, letters' case ignored, each name's values in the order received; one pass over what Vert.x
     * holds. Single values are immutable lists already, which {@link WebhookRequest} then keeps instead of copying.
     */
    static Map<String, List<String>> headers(MultiMap multi) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> header : multi) {
            map.merge(header.getKey(), List.of(header.getValue()), WebhookIngress::concat);
        }
        return map;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static Map<String, List<String>> toMap(MultiMap multi) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : multi.names()) {
            map.put(name, new ArrayList<>(multi.getAll(name)));
        }
        return map;
    }
}
