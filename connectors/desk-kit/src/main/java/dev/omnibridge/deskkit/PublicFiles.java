package dev.omnibridge.deskkit;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.net.SafeFetcher;
import dev.omnibridge.spi.AttachmentStore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Fetches an agent's file from a URL a desk answer named (a pre-signed storage URL), without credentials: the
 * signature in the URL is the credential. Because the URL comes from outside, it goes through the shared
 * {@link SafeFetcher}: https only, public addresses only on the URL and on every redirect; only the desk's own
 * configured origin is exempt. Neither a crafted URL nor a redirect can reach the hub's own network.
 */
public final class PublicFiles {
    private final SafeFetcher fetcher;

    public PublicFiles(URI deskBase, Duration timeout) {
        this(deskBase, timeout, Set.of());
    }

    /** @param trustedForTests exact {@code host:port} of a test's loopback file host; empty in production */
    public PublicFiles(URI deskBase, Duration timeout, Set<String> trustedForTests) {
        this.fetcher = SafeFetcher.builder().timeout(timeout).maxRedirects(DeskHttp.MAX_FILE_REDIRECTS)
                .configuredOrigin(deskBase).trustedForTests(trustedForTests).build();
    }

    /**
     * Stores the file at {@code url}, at most {@code maxBytes}.
     *
     * @param mediaType the desk's media type for the file, or null to take the answer's Content-Type
     * @throws AttachmentStore.AttachmentTooLargeException when the file is larger than {@code maxBytes}
     * @throws IOException when the URL is refused or the download fails; the message names no query string
     */
    public Attachment fetch(String url, String fileName, String mediaType, long maxBytes, AttachmentStore store)
            throws IOException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("attachment URL is not a URL");
        }
        return StoredFiles.storeAnswer(fetcher.get(uri), fileName, mediaType, maxBytes, store);
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
        return !dev.omnibridge.net.PublicAddresses.isPublic(a);
    }
}
