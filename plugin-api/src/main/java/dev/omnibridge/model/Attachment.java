package dev.omnibridge.model;

import java.net.URI;
import java.util.Objects;

/**
 * A file that came with a message. The bytes live outside the message, at {@code location}: usually the hub's
 * attachment storage ({@code attachment:<sha256>}), or a channel URL the hub has not fetched.
 *
 * @param fileName  sanitised file name, no path
 * @param mediaType e.g. {@code image/jpeg}
 * @param size      size in bytes, or -1 when unknown
 * @param sha256    hex SHA-256 of the bytes, or null when not fetched
 * @param location  where the bytes are
 */
public record Attachment(String fileName, String mediaType, long size, String sha256, URI location) {
    public Attachment {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(location, "location");
    }
}
