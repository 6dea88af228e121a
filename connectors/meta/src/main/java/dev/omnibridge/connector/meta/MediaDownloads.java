package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.FileNames;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.FileRetries;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;

/**
 * Fetches a customer's media into the hub's storage: a WhatsApp media id (two steps, both with the token) or a
 * Messenger/Instagram attachment URL (no token). Used for the webhook's first try and for later retries alike.
 */
final class MediaDownloads {
    /** Why a file is not in storage; {@code retryable} when trying again later may help (network, 5xx, 429). */
    static final class Failed extends Exception {
        final boolean retryable;
        /** Left out on purpose (over the size limit) rather than failed. */
        final boolean tooLarge;

        Failed(String reason, boolean retryable) {
            this(reason, retryable, false);
        }

        private Failed(String reason, boolean retryable, boolean tooLarge) {
            super(reason);
            this.retryable = retryable;
            this.tooLarge = tooLarge;
        }

        static Failed tooLarge(String reason) {
            return new Failed(reason, false, true);
        }
    }

    /** Keys of a retry job's source: what {@link #again} needs to fetch the file once more. */
    static final String MEDIA_ID = "mediaId";
    static final String URL = "url";
    static final String MIME = "mime";
    static final String FILE_NAME = "fileName";

    private final GraphApi api;
    private final AttachmentStore store;
    private final long maxBytes;

    MediaDownloads(GraphApi api, AttachmentStore store, long maxBytes) {
        this.api = api;
        this.store = store;
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /**
     * The media id's URL from the Graph API, then its bytes.
     *
     * @param fileName the name the customer gave the file, or null
     */
    Attachment whatsApp(String mediaId, String fileName, String mime) throws Failed, InterruptedException {
        try {
            JsonNode info = api.get(mediaId);
            long size = info.path("file_size").asLong(-1);
            if (size > maxBytes) {
                throw Failed.tooLarge(size + " bytes is over the limit of " + maxBytes);
            }
            String type = info.path("mime_type").asText("").isEmpty() ? mime : info.path("mime_type").asText();
            URI uri;
            try {
                uri = URI.create(info.path("url").asText(""));
            } catch (IllegalArgumentException e) {
                throw new Failed("no download URL", false);
            }
            if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
                throw new Failed("no download URL", false);
            }
            HttpResponse<InputStream> res = api.download(uri, true);
            try (InputStream in = res.body()) {
                return store.store(FileNames.sanitize(fileName, type), type, in, maxBytes);
            }
        } catch (GraphException e) {
            throw failed(e);
        } catch (AttachmentStore.AttachmentTooLargeException e) {
            throw Failed.tooLarge("over the limit of " + maxBytes + " bytes");
        } catch (IOException e) {
            throw new Failed("download failed (" + e.getClass().getSimpleName() + ")", true);
        }
    }

    /** A Messenger/Instagram attachment URL, fetched without the token. */
    Attachment messaging(URI uri, String mime) throws Failed, InterruptedException {
        try {
            HttpResponse<InputStream> res = api.download(uri, false);
            String ct = res.headers().firstValue("Content-Type").orElse(mime);
            String path = uri.getPath() == null ? "" : uri.getPath();
            String name = FileNames.sanitize(path.substring(path.lastIndexOf('/') + 1), ct);
            try (InputStream in = res.body()) {
                return store.store(name, ct, in, maxBytes);
            }
        } catch (GraphException e) {
            throw failed(e);
        } catch (AttachmentStore.AttachmentTooLargeException e) {
            throw Failed.tooLarge("over the limit of " + maxBytes + " bytes");
        } catch (IOException e) {
            throw new Failed("download failed (" + e.getClass().getSimpleName() + ")", true);
        }
    }

    /** A background retry of a file the webhook could not fetch (see {@link FileRetries}). */
    Attachment again(FileRetries.Job job) throws FileRetries.Failed, InterruptedException {
        Map<String, String> source = job.source();
        try {
            if (source.containsKey(MEDIA_ID)) {
                return whatsApp(source.get(MEDIA_ID), source.get(FILE_NAME), source.get(MIME));
            }
            return messaging(URI.create(source.get(URL)), source.get(MIME));
        } catch (Failed f) {
            throw new FileRetries.Failed(f.getMessage(), f.retryable);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FileRetries.Failed("the saved retry is unusable", false);
        }
    }

    private Failed failed(GraphException e) {
        boolean retryable = e.status == 0 || e.status >= 500 || e.status == 429 || e.status == 408;
        return new Failed(api.scrub(String.valueOf(e.getMessage())), retryable);
    }
}
