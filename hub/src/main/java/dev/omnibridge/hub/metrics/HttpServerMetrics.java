package dev.omnibridge.hub.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Set;

/**
 * Times every HTTP request of the hub's router as {@code http_server_requests_seconds{method,route,status}}.
 *
 * <p>{@code route} is the template of the route that answered (e.g. {@code /hooks/:instanceId/*},
 * {@code /api/conversations/:id}), never the raw path: paths carry message and conversation ids, and anybody can
 * send any path, which would make the number of series unbounded. A request no route answered is
 * {@code NOT_FOUND} (404) or {@code UNKNOWN}; a method outside the standard ones is {@code OTHER}.
 */
public final class HttpServerMetrics {
    static final String NAME = "http.server.requests";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;

    public HttpServerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Puts the timing first on {@code router}, before every route added so far or later. */
    public void install(Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            long start = System.nanoTime();
            ctx.addEndHandler(done -> record(ctx, System.nanoTime() - start));
            ctx.next();
        });
    }

    private void record(RoutingContext ctx, long nanos) {
        int status = ctx.response().getStatusCode();
        Timer.builder(NAME).description("HTTP requests the hub answered, by route template.")
                .tag("method", method(ctx.request().method().name()))
                .tag("route", template(ctx.currentRoute(), status))
                .tag("status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry).record(Duration.ofNanos(nanos));
    }

    static String method(String method) {
        return METHODS.contains(method) ? method : "OTHER";
    }

    static String template(Route route, int status) {
        // A route's name defaults to the path it was declared with, parameters included ("/api/messages/:id");
        // getPath() is null for such a route, as Vert.x matches it by a regular expression.
        String path = route == null ? null : route.getName();
        if (path == null) {
            return status == 404 ? "NOT_FOUND" : "UNKNOWN";
        }
        return route.isExactPath() || path.endsWith("*") ? path : path + "*";
    }
}
