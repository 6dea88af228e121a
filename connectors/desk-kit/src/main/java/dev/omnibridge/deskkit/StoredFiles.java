package dev.omnibridge.deskkit;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.DeliveryException;

import java.io.IOException;
import java.io.InputStream;

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
            throw DeliveryException.retryable("attachment " + a.fileName() + " could not be read from storage", e);
        }
    }
}
