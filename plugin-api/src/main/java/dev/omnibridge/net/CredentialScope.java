package dev.omnibridge.net;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a credential may be sent: exact origins (scheme, host and port) and, for vendors whose files live on CDNs,
 * https hosts under named domains on port 443. A credential never follows a redirect to another origin.
 */
@FunctionalInterface
public interface CredentialScope {
    /** Whether the credential may go to this URL. */
    boolean covers(URI url);

    /** Only the exact origin of {@code url}: same scheme, same host, same port (default ports made explicit). */
    static CredentialScope origin(URI url) {
        Objects.requireNonNull(url.getHost(), "origin needs a host");
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost().toLowerCase(Locale.ROOT);
        int port = port(url);
        return u -> u.getScheme() != null && u.getHost() != null && scheme.equals(u.getScheme().toLowerCase(Locale.ROOT))
                && host.equals(u.getHost().toLowerCase(Locale.ROOT)) && port == port(u);
    }

    /**
     * https on port 443 to {@code domain} itself or any host under it, e.g. {@code fbsbx.com} covers
     * {@code https://lookaside.fbsbx.com/...} but neither {@code http://lookaside.fbsbx.com} nor
     * {@code https://lookaside.fbsbx.com:8443} nor {@code https://evilfbsbx.com}.
     */
    static CredentialScope httpsDomains(List<String> domains) {
        List<String> lower = domains.stream().map(d -> d.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")).toList();
        return u -> {
            if (u.getScheme() == null || u.getHost() == null || !"https".equalsIgnoreCase(u.getScheme())
                    || port(u) != 443) {
                return false;
            }
            String host = u.getHost().toLowerCase(Locale.ROOT);
            return lower.stream().anyMatch(d -> host.equals(d) || host.endsWith("." + d));
        };
    }

    default CredentialScope or(CredentialScope other) {
        return u -> covers(u) || other.covers(u);
    }

    /** The port a URL connects to: its own, else 443 for https and 80 for http. */
    static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
