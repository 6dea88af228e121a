package dev.omnibridge.deskkit;

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
 * Fetches an agent's file from a URL a desk answer named (a pre-signed storage URL), without credentials: the
 * signature in the URL is the credential. Because the URL comes from outside, only https URLs to public addresses
 * are fetched, plus URLs on the desk's own address; redirects are not followed, so neither a crafted URL nor a
 * redirect can reach the hub's own network.
 */
public final class PublicFiles {
    private final HttpClient http;
    private final URI deskBase;
    private final Duration timeout;

    public PublicFiles(URI deskBase, Duration timeout) {
        this.deskBase = deskBase;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Stores the file at {@code url}, at most {@code maxBytes}.
     *
     * @param mediaType the desk's media type for the file, or null to take the answer's Content-Type
     * @throws AttachmentStore.AttachmentTooLargeException when the file is larger than {@code maxBytes}
     * @throws IOException when the URL is refused or the download fails
     */
    public Attachment fetch(String url, String fileName, String mediaType, long maxBytes, AttachmentStore store)
            throws IOException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("attachment URL is not a URL");
        }
        check(uri);
        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        return StoredFiles.storeAnswer(res, fileName, mediaType, maxBytes, store);
    }

    private void check(URI uri) throws IOException {
        if (uri.getHost() == null) {
            throw new IOException("attachment URL has no host");
        }
        if (sameOrigin(uri, deskBase)) {
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

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && Objects.equals(a.getHost(), b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** Loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local or unspecified. */
    public static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 169 && second == 254);
    }
}
