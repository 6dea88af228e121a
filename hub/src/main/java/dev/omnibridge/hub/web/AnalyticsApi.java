package dev.omnibridge.hub.web;

import dev.omnibridge.hub.analytics.AnalyticsReport;
import dev.omnibridge.hub.analytics.ServiceAnalytics;
import dev.omnibridge.hub.store.AnalyticsQueries.By;
import dev.omnibridge.hub.store.AnalyticsQueries.Scope;
import dev.omnibridge.model.Priority;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Service analytics, behind {@link HttpApi}'s admin authorisation (docs/analytics.md):
 * <pre>
 *   GET /api/analytics/volumes?bucket=hour|day
 *   GET /api/analytics/response-times?by=channel|desk|priority
 *   GET /api/analytics/automation?by=...
 *   GET /api/analytics/csat?by=...
 *   GET /api/analytics/sla?by=...
 *   GET /api/analytics/backlog?by=...
 * </pre>
 * Each takes {@code from} and {@code to} (ISO-8601 instants or dates, UTC; default the last 7 days, at most
 * {@link #MAX_RANGE}), the filters {@code channel}, {@code desk} and {@code priority}, and {@code format=csv} (or
 * {@code Accept: text/csv}) for CSV with a header row. A bad parameter is a 400 saying which and why.
 */
public final class AnalyticsApi {
    public static final Duration MAX_RANGE = Duration.ofDays(400);
    static final Duration DEFAULT_RANGE = Duration.ofDays(7);
    private static final int MAX_ID = 100;

    private final ServiceAnalytics analytics;
    private final Clock clock;

    public AnalyticsApi(ServiceAnalytics analytics, Clock clock) {
        this.analytics = analytics;
        this.clock = clock;
    }

    @FunctionalInterface
    private interface Figures {
        AnalyticsReport of(Scope scope, By by, RoutingContext ctx) throws Exception;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, HttpApi api) {
        route(router, api, "volumes", By.CHANNEL, (s, by, ctx) -> analytics.volumes(s, bucket(ctx)));
        route(router, api, "response-times", By.CHANNEL, (s, by, ctx) -> analytics.responseTimes(s, by));
        route(router, api, "automation", By.CHANNEL, (s, by, ctx) -> analytics.automation(s, by));
        route(router, api, "csat", By.CHANNEL, (s, by, ctx) -> analytics.csat(s, by));
        route(router, api, "sla", By.CHANNEL, (s, by, ctx) -> analytics.sla(s, by));
        route(router, api, "backlog", By.CHANNEL, (s, by, ctx) -> analytics.backlog(s, by));
    }

    private void route(Router router, HttpApi api, String name, By defaultBy, Figures figures) {
        router.get("/api/analytics/" + name).handler(ctx -> api.offload(ctx, () -> {
            AnalyticsReport report;
            boolean csv;
            try {
                csv = csv(ctx);
                report = figures.of(scope(ctx), by(ctx, defaultBy), ctx);
            } catch (IllegalArgumentException e) {
                HttpApi.error(ctx, 400, e.getMessage());
                return;
            }
            if (csv) {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "text/csv; charset=utf-8")
                        .putHeader("Content-Disposition", "attachment; filename=\"analytics-" + name + ".csv\"")
                        .end(Buffer.buffer(report.csv()));
            } else {
                HttpApi.json(ctx, 200, report.json());
            }
        }));
    }

    Scope scope(RoutingContext ctx) {
        Instant to = instant(ctx, "to");
        Instant from = instant(ctx, "from");
        if (to == null) {
            to = from == null ? clock.instant() : min(from.plus(DEFAULT_RANGE), clock.instant());
        }
        if (from == null) {
            from = to.minus(DEFAULT_RANGE);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new IllegalArgumentException("the range from .. to may cover at most " + MAX_RANGE.toDays()
                    + " days");
        }
        String priority = param(ctx, "priority");
        if (priority != null) {
            try {
                priority = Priority.valueOf(priority.toUpperCase(Locale.ROOT)).name();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("priority must be one of " + names(Priority.values()));
            }
        }
        return new Scope(from, to, id(ctx, "channel"), id(ctx, "desk"), priority);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant instant(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(name + " must be an ISO-8601 instant (2026-12-01T00:00:00Z) or "
                        + "date (2026-12-01, midnight UTC)");
            }
        }
    }

    private static String id(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        if (v != null && (v.length() > MAX_ID || v.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException(name + " must be an instance id of at most " + MAX_ID
                    + " characters");
        }
        return v;
    }

    private static By by(RoutingContext ctx, By defaultBy) {
        String v = param(ctx, "by");
        if (v == null) {
            return defaultBy;
        }
        try {
            return By.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("by must be one of " + names(By.values()));
        }
    }

    private static ServiceAnalytics.Bucket bucket(RoutingContext ctx) {
        String v = param(ctx, "bucket");
        if (v == null) {
            return ServiceAnalytics.Bucket.HOUR;
        }
        try {
            return ServiceAnalytics.Bucket.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bucket must be one of " + names(ServiceAnalytics.Bucket.values()));
        }
    }

    private static boolean csv(RoutingContext ctx) {
        String format = param(ctx, "format");
        if (format != null) {
            return switch (format.toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw new IllegalArgumentException("format must be json or csv");
            };
        }
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
