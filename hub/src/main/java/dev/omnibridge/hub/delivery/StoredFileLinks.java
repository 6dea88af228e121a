package dev.omnibridge.hub.delivery;

import dev.omnibridge.model.Attachment;

import java.util.Optional;

/**
 * A public address for a file in the hub's attachment storage ({@code attachment:<sha256>}), for a reply whose
 * channel cannot carry the file itself: {@link OutboundAdapter} then writes "name: link" into the text. Empty when
 * the hub has no address a customer could open (no {@code hub.publicUrl}): the file is then named as not sent.
 */
@FunctionalInterface
public interface StoredFileLinks {
    /** No links: stored files a channel cannot carry are named as not sent. */
    StoredFileLinks NONE = a -> Optional.empty();

    /** @param stored a file whose location is {@code attachment:<sha256>} */
    Optional<String> linkFor(Attachment stored);
}
