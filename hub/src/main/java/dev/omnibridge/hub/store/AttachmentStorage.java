package dev.omnibridge.hub.store;

import dev.omnibridge.spi.AttachmentStore;

import java.io.IOException;
import java.time.Instant;

/**
 * Where the hub keeps attachment bytes: what connectors see ({@link AttachmentStore}: store, open) plus the deletes
 * of retention and erasure. Files under the data directory on a hub on its own ({@link FileAttachmentStore}); rows
 * of the store in cluster mode ({@link AttachmentBlobs}), so any node serves what another stored. (Named apart from
 * the plugin API's {@link AttachmentStore}, which it extends.) Opening one that is not there throws
 * {@link java.nio.file.NoSuchFileException} either way.
 */
public interface AttachmentStorage extends AttachmentStore {
    /**
     * Deletes the stored bytes with this SHA-256 (retention, erasure); false when there were none. Callers check first
     * that no remaining message references them ({@link MessagePurge#stillReferenced}).
     */
    boolean delete(String sha256) throws IOException;

    /**
     * Deletes the stored bytes with this SHA-256 unless they were written at or after {@code writtenBefore}: content
     * stored again meanwhile (the same content arriving in a new message whose commit is still on its way) is kept.
     * False when kept or there were none.
     */
    boolean deleteIfWrittenBefore(String sha256, Instant writtenBefore) throws IOException;
}
