package dev.omnibridge.hub.camel;

import dev.omnibridge.spi.DeliveryException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * How a route's failure counts for the outbox, in one place: a {@link DeliveryException} as it is; an HTTP error
 * answer by its status (408, 425, 429 and 5xx retryable with Retry-After honoured, any other 4xx permanent); a
 * route's own verdict in the {@code OmnibridgeFailure} header ({@code permanent} or {@code retryable}, e.g. set in a
 * {@code doCatch}); I/O problems and timeouts retryable; and anything else retryable too, so that a bug in a route
 * ends in the dead letters after the retry budget rather than losing the message.
 */
public final class RouteFailures {
    private RouteFailures() {
    }

    /** The failure of a route run, or null when it succeeded. */
    public static DeliveryException of(Exchange exchange) {
        Object verdict = exchange.getMessage().getHeader(RouteHeaders.FAILURE);
        Throwable thrown = exchange.getException();
        if (thrown == null) {
            thrown = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        if (verdict != null) {
            Object reason = exchange.getMessage().getHeader(RouteHeaders.FAILURE_REASON);
            String why = reason != null ? String.valueOf(reason)
                    : thrown != null ? describe(thrown) : "the route reported a failure";
            return "permanent".equalsIgnoreCase(String.valueOf(verdict).strip())
                    ? DeliveryException.permanent(why) : DeliveryException.retryable(why, thrown);
        }
        return exchange.getException() == null ? null : classify(exchange.getException());
    }

    /** The outbox's view of an exception a route threw. */
    public static DeliveryException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeliveryException d) {
                return d;
            }
            if (t instanceof HttpOperationFailedException http) {
                String retryAfter = http.getResponseHeaders() == null ? null
                        : header(http.getResponseHeaders(), "Retry-After");
                return DeliveryException.forHttpStatus(http.getStatusCode(), retryAfter,
                        http.getStatusText() == null ? "" : http.getStatusText() + " from "
                                + withoutQuery(http.getUri()));
            }
            if (t instanceof java.io.IOException || t instanceof TimeoutException || t instanceof ConnectException
                    || t instanceof java.net.http.HttpTimeoutException) {
                return DeliveryException.retryable(describe(t), failure);
            }
        }
        return DeliveryException.retryable("the route failed: " + describe(failure), failure);
    }

    private static String header(java.util.Map<String, String> headers, String name) {
        for (java.util.Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A URL's query may hold a token (an API key as a parameter): never in a failure reason. */
    private static String withoutQuery(String uri) {
        if (uri == null) {
            return "the endpoint";
        }
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
