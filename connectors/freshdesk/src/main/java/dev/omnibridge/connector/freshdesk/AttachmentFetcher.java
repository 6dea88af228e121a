package dev.omnibridge.connector.freshdesk;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.FileNames;
import dev.omnibridge.spi.AttachmentStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Downloads the files of an agent's reply. Freshdesk hands out pre-signed storage URLs on other hosts, so the API key
 * is never sent with them (the signature in the URL is the credential). Because the URL comes from a desk answer,
 * only https URLs to public addresses are fetched, plus URLs on the configured Freshdesk address itself; redirects
 * are not followed.
 */
final class AttachmentFetcher {
    private final HttpClient http;
    private final URI deskBase;
    private final Duration timeout;

    AttachmentFetcher(URI deskBase, Duration timeout) {
        this.deskBase = deskBase;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Stores the file at {@code url}, at most {@code maxBytes}. */
    Attachment fetch(String url, String name, String mediaType, long maxBytes, AttachmentStore store)
            throws IOException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("attachment URL is not a URL");
        }
        check(uri);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> res = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body()) {
            if (res.statusCode() != 200) {
                throw new IOException("attachment download answered HTTP " + res.statusCode());
            }
            String type = mediaType == null || mediaType.isBlank()
                    ? res.headers().firstValue("Content-Type").orElse("application/octet-stream") : mediaType;
            return store.store(FileNames.sanitize(name, type), type, body, maxBytes);
        }
    }

    private void check(URI uri) throws IOException {
        if (uri.getHost() == null) {
            throw new IOException("attachment URL has no host");
        }
        if (sameOrigin(uri)) {
            return;
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("attachment URL is not https");
        }
        for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
            if (isPrivate(address)) {
                throw new IOException("attachment URL points at a private address");
            }
        }
    }

    private boolean sameOrigin(URI uri) {
        return Objects.equals(uri.getScheme(), deskBase.getScheme()) && Objects.equals(uri.getHost(), deskBase.getHost())
                && port(uri) == port(deskBase);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc;                                   // fc00::/7 unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128)  // carrier-grade NAT
                || (first == 169 && second == 254);                          // cloud metadata
    }
}
