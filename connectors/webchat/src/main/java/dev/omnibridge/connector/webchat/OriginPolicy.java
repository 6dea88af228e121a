package dev.omnibridge.connector.webchat;

import dev.omnibridge.webhook.WebhookRequest;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may talk to the chat: the configured {@code allowedOrigins}, plus the hub's own origin
 * (its public URL, or the Host the request was sent to) so that the demo page works. Browsers always send
 * {@code Origin} on cross-origin requests, on POSTs and on WebSocket handshakes; a GET without one is a same-origin
 * or non-browser request.
 */
final class OriginPolicy {
    private final Set<String> allowed;
    private final String hubOrigin;

    OriginPolicy(List<String> allowedOrigins, URI hubUrl) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
        this.hubOrigin = hubUrl == null ? null : normalise(hubUrl.getScheme() + "://" + hubUrl.getRawAuthority());
    }

    /** Whether {@code origin} (a request's Origin header) may use the chat that {@code request} was sent to. */
    boolean allows(String origin, WebhookRequest request) {
        String o = normalise(origin);
        if (o == null) {
            return false;
        }
        if (allowed.contains(o) || o.equals(hubOrigin)) {
            return true;
        }
        String host = request.header("Host").orElse(null);
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        return o.equals(normalise("http://" + h)) || o.equals(normalise("https://" + h));
    }

    /** {@code scheme://host[:port]} in lower case without a default port, or null when it is not an origin. */
    static String normalise(String origin) {
        if (origin == null || origin.isBlank() || origin.length() > 300) {
            return null;
        }
        try {
            URI u = new URI(origin.strip());
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if (!("http".equals(scheme) || "https".equals(scheme)) || u.getHost() == null
                    || (u.getRawPath() != null && !u.getRawPath().isEmpty() && !"/".equals(u.getRawPath()))
                    || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                return null;
            }
            int port = u.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
                    || ("https".equals(scheme) && port == 443);
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
