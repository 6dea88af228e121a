package dev.omnibridge.connector.twilio;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.FileNames;
import dev.omnibridge.spi.AttachmentStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Downloads MMS/WhatsApp media ({@code MediaUrlN}) into the hub's attachment storage.
 *
 * <p>A media URL comes from a webhook, so it is attacker-shaped input (SSRF): the first URL must be on one of
 * {@code mediaHosts} (Twilio's API host), the credentials go only to that first host, redirects are followed by hand
 * (at most {@value #MAX_REDIRECTS}) and every hop's host is resolved and refused if any of its addresses is
 * loopback, private, link-local (cloud metadata at 169.254.169.254), any-local, multicast or unique-local IPv6, unless
 * {@code allowPrivateMediaAddresses} (tests with a media server on loopback). Only http and https are followed, and
 * the credentials never travel over plain http outside that test mode.
 *
 * <p>Known limit: the JDK client resolves the host again when it connects, so a DNS answer that changes between
 * the check and the connection (rebinding) is not caught; the credentials still only go to the allow-listed host.
 */
final class MediaFetcher {
    static final int MAX_REDIRECTS = 5;

    /** What became of one media item: stored, or a short reason for the note in the message text. */
    record Result(Attachment attachment, String problem) {
        static Result stored(Attachment a) {
            return new Result(a, null);
        }

        static Result failed(String problem) {
            return new Result(null, problem);
        }
    }

    private final HttpClient http;
    private final AttachmentStore store;
    private final Set<String> mediaHosts;
    private final boolean allowPrivate;
    private final long maxBytes;
    private final Duration timeout;
    private final String basicAuth;
    /** host:port pairs a test treats as public; empty in production (see the test-only constructor). */
    private final Set<String> trustedForTests;

    MediaFetcher(TwilioSettings settings, AttachmentStore store) {
        this(settings, store, Set.of());
    }

    /**
     * @param trustedForTests exact {@code host:port} authorities treated as if they were public Twilio hosts, so a
     *                        test can run a redirect chain from a loopback mock with the address checks on
     */
    MediaFetcher(TwilioSettings settings, AttachmentStore store, Set<String> trustedForTests) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.store = store;
        this.mediaHosts = Set.copyOf(settings.mediaHosts());
        this.allowPrivate = settings.allowPrivateMediaAddresses();
        this.maxBytes = settings.maxMediaBytes();
        this.timeout = settings.timeout();
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((settings.accountSid() + ":"
                + settings.authToken().reveal()).getBytes(StandardCharsets.UTF_8));
        this.trustedForTests = Set.copyOf(trustedForTests);
    }

    /**
     * Fetches one media item. Never throws for a refused or failed download: the caller notes it in the text.
     *
     * @param index             the N of MediaUrlN, for the file name
     * @param announcedType     MediaContentTypeN, used when the answer has no usable Content-Type
     */
    Result fetch(int index, String url, String announcedType) {
        URI first;
        try {
            first = new URI(url.strip());
        } catch (Exception e) {
            return Result.failed("not a valid URL");
        }
        if (!isHttp(first) || first.getHost() == null) {
            return Result.failed("not an http(s) URL");
        }
        if (!isMediaHost(first)) {
            return Result.failed("host " + first.getHost() + " is not one of the media hosts");
        }
        if (!"https".equalsIgnoreCase(first.getScheme()) && !allowPrivate && !isTrusted(first)) {
            return Result.failed("media URL is not https");
        }
        URI current = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            String refused = refusedAddress(current);
            if (refused != null) {
                return Result.failed(hop == 0 ? refused : "redirect refused: " + refused);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(timeout).GET()
                    .header("Accept", "*/*");
            if (sameOrigin(first, current)) {
                request.header("Authorization", basicAuth);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                return Result.failed("download timed out");
            } catch (IOException e) {
                return Result.failed("download failed (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.failed("download interrupted");
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                closeQuietly(response.body());
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return Result.failed("HTTP " + status + " without Location");
                }
                URI next;
                try {
                    next = current.resolve(new URI(location.strip()));
                } catch (Exception e) {
                    return Result.failed("redirect to an invalid URL");
                }
                if (!isHttp(next) || next.getHost() == null) {
                    return Result.failed("redirect refused: not an http(s) URL");
                }
                current = next;
                continue;
            }
            if (status < 200 || status > 299) {
                closeQuietly(response.body());
                return Result.failed("HTTP " + status);
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > maxBytes) {
                closeQuietly(response.body());
                return Result.failed("larger than " + maxBytes + " bytes");
            }
            String mediaType = mediaType(response.headers().firstValue("Content-Type").orElse(null), announcedType);
            String fileName = FileNames.sanitize("media-" + index + FileNames.extensionFor(mediaType), mediaType);
            try (InputStream in = response.body()) {
                return Result.stored(store.store(fileName, mediaType, in, maxBytes));
            } catch (AttachmentStore.AttachmentTooLargeException e) {
                return Result.failed("larger than " + maxBytes + " bytes");
            } catch (IOException e) {
                return Result.failed("download failed (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Result.failed("more than " + MAX_REDIRECTS + " redirects");
    }

    private boolean isMediaHost(URI uri) {
        String host = hostOf(uri);
        String hostPort = host + ":" + port(uri);
        return mediaHosts.contains(host) || mediaHosts.contains(hostPort);
    }

    private boolean isTrusted(URI uri) {
        return trustedForTests.contains(hostOf(uri) + ":" + port(uri));
    }

    /** Why the URL's host may not be contacted, or null when it may. */
    private String refusedAddress(URI uri) {
        if (allowPrivate || isTrusted(uri)) {
            return null;
        }
        String host = hostOf(uri);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return "host " + host + " does not resolve";
        }
        for (InetAddress a : addresses) {
            String kind = privateKind(a);
            if (kind != null) {
                return "host " + host + " is a " + kind + " address";
            }
        }
        return null;
    }

    /** The kind of non-public address, or null for a public one. */
    static String privateKind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "any-local";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local";
            }
            return null;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return "this-network";
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return "shared (carrier-grade NAT)";
        }
        if (first >= 240) {
            return "reserved";
        }
        return null;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && hostOf(a).equals(hostOf(b)) && port(a) == port(b);
    }

    private static String hostOf(URI uri) {
        return uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isHttp(URI uri) {
        return uri.isAbsolute() && ("http".equalsIgnoreCase(uri.getScheme())
                || "https".equalsIgnoreCase(uri.getScheme()));
    }

    /** The answer's Content-Type without parameters, else the announced one, else a byte stream. */
    private static String mediaType(String header, String announced) {
        for (String candidate : List.of(header == null ? "" : header, announced == null ? "" : announced)) {
            String type = candidate.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
                return type;
            }
        }
        return "application/octet-stream";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to release beyond the connection
        }
    }
}
