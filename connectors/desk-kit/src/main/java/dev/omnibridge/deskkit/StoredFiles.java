package dev.omnibridge.deskkit;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.DeliveryException;

import dev.omnibridge.model.FileNames;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/** Reads a message's attachment out of the hub's storage for upload to a desk. */
public final class StoredFiles {
    private StoredFiles() {
    }

    /** True when the bytes are in the hub's storage (not only at a channel URL the hub never fetched). */
    public static boolean isStored(Attachment a) {
        return "attachment".equals(a.location().getScheme());
    }

    /**
     * The attachment's bytes.
     *
     * @throws DeliveryException permanent when the file is larger than the desk accepts, retryable when the
     *                           storage cannot be read
     */
    public static byte[] read(AttachmentStore store, Attachment a, long maxBytes) {
        if (a.size() > maxBytes) {
            throw DeliveryException.permanent("attachment " + a.fileName() + " is " + a.size()
                    + " bytes, more than the desk accepts (" + maxBytes + ")");
        }
        try (InputStream in = store.open(a)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw DeliveryException.permanent("attachment " + a.fileName() + " is larger than the desk accepts ("
                        + maxBytes + " bytes)");
            }
            return bytes;
        } catch (IOException e) {
            // This message's file, not the desk: no reason to pause the desk's other deliveries.
            throw new DeliveryException(DeliveryException.Kind.RETRYABLE, "attachment " + a.fileName()
                    + " could not be read from storage", null, e, true);
        }
    }

    /**
     * Stores a download answer's body in the hub's storage, at most {@code maxBytes}.
     *
     * @param mediaType the desk's media type for the file, or null to take the answer's Content-Type
     */
    public static Attachment storeAnswer(HttpResponse<InputStream> res, String fileName, String mediaType,
                                         long maxBytes, AttachmentStore store) throws IOException {
        try (InputStream body = res.body()) {
            if (res.statusCode() / 100 != 2) {
                throw new IOException("attachment download answered HTTP " + res.statusCode());
            }
            String type = mediaType == null || mediaType.isBlank()
                    ? res.headers().firstValue("Content-Type").orElse("application/octet-stream") : mediaType;
            return store.store(FileNames.sanitize(fileName, type), type, body, maxBytes);
        }
    }
}
