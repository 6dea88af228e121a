package dev.omnibridge.connector.meta;

import dev.omnibridge.model.Attachment;

import java.net.URI;

/**
 * One checked outbound file: what kind of message carries it, and either its bytes (read from the hub's store, to be
 * uploaded) or a public https link that Meta fetches itself.
 */
record OutboundMedia(Attachment attachment, String kind, String mediaType, byte[] bytes, URI link) {
    boolean byLink() {
        return link != null;
    }

    String fileName() {
        return attachment.fileName();
    }

    /** WhatsApp shows a caption under images, videos and documents only. */
    boolean captionable() {
        return kind.equals("image") || kind.equals("video") || kind.equals("document");
    }
}
