package dev.omnibridge.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one way a connector fetches a URL that came from outside (an attachment URL in a webhook, a media URL in a
 * vendor's answer): every media and file download of every connector goes through it, so the rules hold everywhere.
 *
 * <ul>
 *   <li>https only; plain http only when {@link Builder#allowPlainHttp} is set, and never after a redirect from
 *       https (no downgrade).</li>
 *   <li>The host of the URL and of every redirect is resolved and refused if any of its addresses is not public
 *       ({@link PublicAddresses}: loopback, private, link-local with the cloud metadata address, unspecified,
 *       carrier-grade NAT, unique-local, multicast, IPv4 carried in IPv6).</li>
 *   <li>Redirects are followed by hand, at most {@link Builder#maxRedirects} of them, each checked as above.</li>
 *   <li>{@link Credentials} go only to the first URL, only when their scope covers it (exact origin), and to
 *       redirects that stay on that very origin; a redirect to another host, port or scheme gets no credentials.
 *       Asking to send credentials to a URL outside their scope is refused outright.</li>
 *   <li>URLs with user info ({@code https://user:pass@host}) are refused.</li>
 * </ul>
 *
 * <p>An origin the operator configured (the vendor API's base URL, e.g. a local Telegram Bot API server or a desk on
 * the company network) is named with {@link Builder#configuredOrigin}: that exact origin (scheme, host and port) is
 * exempt from the address and plain-http rules, because the operator chose it; redirects away from it are checked
 * like any other URL.
 *
 * <p>Tests that run their vendor stub on loopback name its exact {@code host:port} with
 * {@link Builder#trustedForTests}: only that authority is treated as public and may be spoken to over plain http;
 * every other address, scheme and credential rule still applies, so a redirect from the stub to another loopback
 * port is refused as in production. {@link Builder#allowPrivateAddresses} is the operator's explicit switch for a
 * vendor reached on a private network; it lifts only the address rule.
 *
 * <p>DNS rebinding: the JDK client resolves the host again when it connects and offers no way to pin the checked
 * address while keeping TLS host name verification. That second lookup is answered from the JVM's address cache,
 * which keeps a successful answer for {@code networkaddress.cache.ttl} (30 s by default), so the connection uses the
 * address that was checked unless the operator sets that TTL to 0. An egress firewall that blocks private ranges is
 * the defence that does not depend on it.
 */
public final class SafeFetcher {
    /** Resolves a host name to all its addresses; the JVM's resolver in production. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HttpClient http;
    private final Duration timeout;
    private final int maxRedirects;
    private final boolean allowPlainHttp;
    private final boolean allowPrivateAddresses;
    private final Set<String> trustedForTests;
    private final Set<String> configuredOrigins;
    private final Resolver resolver;

    private SafeFetcher(Builder b) {
        this.timeout = b.timeout;
        this.maxRedirects = b.maxRedirects;
        this.allowPlainHttp = b.allowPlainHttp;
        this.allowPrivateAddresses = b.allowPrivateAddresses;
        this.trustedForTests = Set.copyOf(b.trustedForTests);
        this.configuredOrigins = Set.copyOf(b.configuredOrigins);
        this.resolver = b.resolver;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** GET without credentials; see {@link #get(URI, Credentials, Map)}. */
    public HttpResponse<InputStream> get(URI url) throws IOException, InterruptedException {
        return get(url, Credentials.NONE, Map.of());
    }

    /**
     * GETs {@code url}, following redirects under the rules above, and returns the first answer that is not a
     * redirect, whatever its status; the caller reads or closes its body.
     *
     * @param headers further request headers that are not credentials (e.g. {@code Accept}); sent on every hop
     * @throws RefusedUrlException when a rule refuses the URL or a redirect; nothing was sent to that address
     * @throws IOException         when the host does not resolve or the connection fails (may pass)
     */
    public HttpResponse<InputStream> get(URI url, Credentials credentials, Map<String, String> headers)
            throws IOException, InterruptedException {
        Objects.requireNonNull(credentials, "credentials");
        URI first = normalise(url);
        if (!credentials.isEmpty() && !credentials.scope().covers(first)) {
            throw new RefusedUrlException("credentials may not be sent to " + describe(first));
        }
        if (!credentials.isEmpty() && "http".equalsIgnoreCase(first.getScheme()) && !trusted(first)
                && !allowPlainHttp) {
            throw new RefusedUrlException("credentials are never sent over plain http (" + describe(first) + ")");
        }
        URI previous = null;
        URI current = first;
        for (int hop = 0; ; hop++) {
            check(current, previous, hop);
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(timeout).GET();
            headers.forEach(request::header);
            if (!credentials.isEmpty() && sameOrigin(first, current) && credentials.scope().covers(current)) {
                credentials.headers().forEach(request::header);
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status < 300 || status >= 400 || status == 304) {
                return response;
            }
            response.body().close();
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                return emptyAnswer(response);
            }
            if (hop >= maxRedirects) {
                throw new RefusedUrlException("more than " + maxRedirects + " redirects");
            }
            try {
                previous = current;
                current = normalise(current.resolve(new URI(location.strip())));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new RefusedUrlException("redirect refused: not a valid URL");
            } catch (RefusedUrlException e) {
                throw new RefusedUrlException("redirect refused: " + e.getMessage());
            }
        }
    }

    /** A redirect without Location: handed back as the answer it is, with its body already closed. */
    private static HttpResponse<InputStream> emptyAnswer(HttpResponse<InputStream> response) {
        return new EmptyBodyResponse(response);
    }

    private static URI normalise(URI url) throws RefusedUrlException {
        if (url == null || !url.isAbsolute()) {
            throw new RefusedUrlException("not an absolute URL");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RefusedUrlException("not an http(s) URL");
        }
        if (url.getHost() == null) {
            throw new RefusedUrlException("URL without a host");
        }
        if (url.getRawUserInfo() != null) {
            throw new RefusedUrlException("URL with user info refused (" + describe(url) + ")");
        }
        return url;
    }

    /** Both rules for one hop; when both refuse, the address is named, as the graver problem. */
    private void check(URI url, URI from, int hop) throws IOException {
        try {
            checkScheme(url, from);
        } catch (RefusedUrlException scheme) {
            try {
                checkAddress(url, hop);
            } catch (RefusedUrlException address) {
                throw address;
            } catch (IOException unresolvable) {
                throw scheme;
            }
            throw scheme;
        }
        checkAddress(url, hop);
    }

    /** @param from the URL that redirected here, or null for the first */
    private void checkScheme(URI url, URI from) throws RefusedUrlException {
        if (!"http".equalsIgnoreCase(url.getScheme())) {
            return;
        }
        String prefix = from == null ? "" : "redirect refused: ";
        if (from != null && "https".equalsIgnoreCase(from.getScheme())) {
            throw new RefusedUrlException(prefix + "from https to plain http (" + describe(url) + ")");
        }
        if (!allowPlainHttp && !trusted(url)) {
            throw new RefusedUrlException(prefix + "only https URLs are fetched (" + describe(url) + ")");
        }
    }

    private void checkAddress(URI url, int hop) throws IOException {
        if (allowPrivateAddresses || trusted(url)) {
            return;
        }
        String host = bare(url.getHost());
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new UnknownHostException("host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            String kind = PublicAddresses.nonPublicKind(a);
            if (kind != null) {
                throw new RefusedUrlException((hop == 0 ? "" : "redirect refused: ") + "host " + host + " is a "
                        + kind + " address");
            }
        }
    }

    private boolean trusted(URI url) {
        return trustedForTests.contains(authority(url)) || configuredOrigins.contains(origin(url));
    }

    private static String origin(URI url) {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + authority(url);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && authority(a).equals(authority(b));
    }

    private static String authority(URI url) {
        return url.getHost().toLowerCase(Locale.ROOT) + ":" + CredentialScope.port(url);
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Scheme, host and port only: a query may carry a signature or token. */
    static String describe(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }

    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(30);
        private int maxRedirects = 5;
        private boolean allowPlainHttp;
        private boolean allowPrivateAddresses;
        private Set<String> trustedForTests = Set.of();
        private final Set<String> configuredOrigins = new java.util.HashSet<>();
        private Resolver resolver = InetAddress::getAllByName;

        private Builder() {
        }

        /** Connect timeout and the whole answer's header timeout. */
        public Builder timeout(Duration value) {
            timeout = Objects.requireNonNull(value);
            return this;
        }

        public Builder maxRedirects(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative");
            }
            maxRedirects = value;
            return this;
        }

        /** Lets plain http URLs through (never a redirect from https to http). Off by default. */
        public Builder allowPlainHttp(boolean value) {
            allowPlainHttp = value;
            return this;
        }

        /** Lifts the address rule (an operator's explicit choice for a vendor on a private network). Off by default. */
        public Builder allowPrivateAddresses(boolean value) {
            allowPrivateAddresses = value;
            return this;
        }

        /**
         * Test only: exact {@code host:port} authorities (e.g. a WireMock on {@code localhost:8089}) treated as public
         * and allowed over plain http. Every other rule still holds. Never set from configuration.
         */
        public Builder trustedForTests(Set<String> authorities) {
            Set<String> lower = new java.util.HashSet<>();
            for (String a : authorities) {
                lower.add(a.toLowerCase(Locale.ROOT));
            }
            trustedForTests = lower;
            return this;
        }

        /**
         * The origin of a URL from the instance's configuration (a vendor API base URL): exempt from the address and
         * plain-http rules, exactly that scheme, host and port. Never a URL that came from outside.
         */
        public Builder configuredOrigin(URI url) {
            if (url != null && url.getScheme() != null && url.getHost() != null) {
                configuredOrigins.add(origin(url));
            }
            return this;
        }

        /** Test seam: how host names resolve (e.g. a name that resolves to 169.254.169.254). */
        Builder resolver(Resolver value) {
            resolver = Objects.requireNonNull(value);
            return this;
        }

        public SafeFetcher build() {
            return new SafeFetcher(this);
        }
    }

    /** Keeps status and headers of an answer whose body was closed. */
    private record EmptyBodyResponse(HttpResponse<InputStream> delegate) implements HttpResponse<InputStream> {
        @Override
        public int statusCode() {
            return delegate.statusCode();
        }

        @Override
        public HttpRequest request() {
            return delegate.request();
        }

        @Override
        public java.util.Optional<HttpResponse<InputStream>> previousResponse() {
            return delegate.previousResponse();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return delegate.headers();
        }

        @Override
        public InputStream body() {
            return InputStream.nullInputStream();
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return delegate.sslSession();
        }

        @Override
        public URI uri() {
            return delegate.uri();
        }

        @Override
        public HttpClient.Version version() {
            return delegate.version();
        }
    }
}
