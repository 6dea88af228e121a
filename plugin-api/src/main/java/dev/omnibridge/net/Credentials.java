package dev.omnibridge.net;

import java.util.Map;
import java.util.Objects;

/**
 * Request headers that authenticate (e.g. {@code Authorization}) and the scope they belong to. {@link SafeFetcher}
 * sends them only on a request to the first URL and to redirects that stay on its origin, and only when the scope
 * covers that URL.
 */
public record Credentials(Map<String, String> headers, CredentialScope scope) {
    public static final Credentials NONE = new Credentials(Map.of(), u -> false);

    public Credentials {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(scope, "scope");
    }

    /** One {@code Authorization} header value for the given scope. */
    public static Credentials authorization(String value, CredentialScope scope) {
        return new Credentials(Map.of("Authorization", value), scope);
    }

    public boolean isEmpty() {
        return headers.isEmpty();
    }

    @Override
    public String toString() {
        return "Credentials[" + headers.keySet() + "]";
    }
}
