package dev.omnibridge.spi;

import dev.omnibridge.model.Attachment;

import java.io.IOException;
import java.io.InputStream;

/** The hub's storage for attachment bytes; stored attachments have the location {@code attachment:<sha256>}. */
public interface AttachmentStore {
    /**
     * Stores bytes, reading at most {@code maxBytes}.
     *
     * @throws AttachmentTooLargeException when the stream holds more than {@code maxBytes}; nothing is kept
     */
    Attachment store(String fileName, String mediaType, InputStream data, long maxBytes) throws IOException;

    /** Opens a stored attachment's bytes. */
    InputStream open(Attachment attachment) throws IOException;

    class AttachmentTooLargeException extends IOException {
        public AttachmentTooLargeException(long maxBytes) {
            super("attachment exceeds the limit of " + maxBytes + " bytes");
        }
    }
}
