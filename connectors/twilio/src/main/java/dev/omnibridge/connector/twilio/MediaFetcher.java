package dev.omnibridge.connector.twilio;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.FileNames;
import dev.omnibridge.net.Credentials;
import dev.omnibridge.net.RefusedUrlException;
import dev.omnibridge.net.SafeFetcher;
import dev.omnibridge.spi.AttachmentStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Downloads MMS/WhatsApp media ({@code MediaUrlN}) into the hub's attachment storage.
 *
 * <p>A media URL comes from a webhook, so it is attacker-shaped input (SSRF): the first URL must be https on one of
 * {@code mediaHosts} (Twilio's API host); the download itself goes through the shared {@link SafeFetcher}, which
 * sends the account credentials only to that first origin, follows at most {@value #MAX_REDIRECTS} redirects by
 * hand and refuses every hop whose host resolves to a loopback, private, link-local (cloud metadata at
 * 169.254.169.254), unspecified, carrier-grade NAT, multicast or unique-local address, unless
 * {@code allowPrivateMediaAddresses} (tests with a media server on loopback; it also allows plain http).
 */
final class MediaFetcher {
    static final int MAX_REDIRECTS = 5;

    /**
     * What became of one media item: stored, or a short reason for the note in the message text; {@code retryable}
     * when trying again later may help (timeouts, network errors, 5xx, 429).
     */
    record Result(Attachment attachment, String problem, boolean retryable) {
        static Result stored(Attachment a) {
            return new Result(a, null, false);
        }

        static Result failed(String problem) {
            return new Result(null, problem, false);
        }

        static Result passing(String problem) {
            return new Result(null, problem, true);
        }
    }

    private final SafeFetcher fetcher;
    private final AttachmentStore store;
    private final Set<String> mediaHosts;
    private final boolean allowPrivate;
    private final long maxBytes;
    private final Credentials credentials;
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
        this.store = store;
        this.mediaHosts = Set.copyOf(settings.mediaHosts());
        this.allowPrivate = settings.allowPrivateMediaAddresses();
        this.maxBytes = settings.maxMediaBytes();
        this.trustedForTests = Set.copyOf(trustedForTests);
        this.fetcher = SafeFetcher.builder().timeout(settings.timeout()).maxRedirects(MAX_REDIRECTS)
                .allowPrivateAddresses(allowPrivate).allowPlainHttp(allowPrivate).trustedForTests(trustedForTests)
                .build();
        String basic = "Basic " + Base64.getEncoder().encodeToString((settings.accountSid() + ":"
                + settings.authToken().reveal()).getBytes(StandardCharsets.UTF_8));
        this.credentials = Credentials.authorization(basic, this::isMediaHost);
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
        HttpResponse<InputStream> response;
        try {
            response = fetcher.get(first, credentials, Map.of("Accept", "*/*"));
        } catch (RefusedUrlException e) {
            return Result.failed(e.getMessage());
        } catch (HttpTimeoutException e) {
            return Result.passing("download timed out");
        } catch (IOException e) {
            return Result.passing("download failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.passing("download interrupted");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            closeQuietly(response.body());
            if (status >= 500 || status == 429 || status == 408) {
                return Result.passing("HTTP " + status);
            }
            return Result.failed(status >= 300 && status < 400 ? "HTTP " + status + " without Location"
                    : "HTTP " + status);
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
            return Result.passing("download failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * On a media host of the settings: a {@code host:port} entry covers that port, a bare {@code host} only the
     * scheme's default port. Also the credentials' scope, so they never reach another port of a media host.
     */
    private boolean isMediaHost(URI uri) {
        if (uri.getHost() == null) {
            return false;
        }
        String host = hostOf(uri);
        return mediaHosts.contains(host + ":" + port(uri)) || (mediaHosts.contains(host) && uri.getPort() < 0);
    }

    private boolean isTrusted(URI uri) {
        return trustedForTests.contains(hostOf(uri) + ":" + port(uri));
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
