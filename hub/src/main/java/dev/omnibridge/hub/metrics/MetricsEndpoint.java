package dev.omnibridge.hub.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format 0.0.4, or in OpenMetrics 1.0 when the scraper's
 * {@code Accept} asks for it (Prometheus itself does by default). The protobuf format is not offered: its writer
 * (prometheus-metrics-exposition-formats, 2 MB of shaded protobuf) is left out of the distribution, so this class
 * picks the format itself rather than letting the registry pick a writer that is not there.
 */
public final class MetricsEndpoint implements Handler<RoutingContext> {
    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_100 = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String contentType = contentType(ctx.request().getHeader("Accept"));
        ctx.response().putHeader("Content-Type", contentType).end(registry.scrape(contentType));
    }

    /** OpenMetrics when asked for, text 0.0.4 otherwise (also for a protobuf-only Accept). */
    static String contentType(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
                ? OPENMETRICS_100 : TEXT_004;
    }
}
