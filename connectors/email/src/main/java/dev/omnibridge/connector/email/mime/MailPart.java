package dev.omnibridge.connector.email.mime;

import java.util.Arrays;
import java.util.Objects;

/**
 * An attachment or inline image of a mail.
 *
 * @param fileName  sanitised with {@link dev.omnibridge.model.FileNames#sanitize}, never empty
 * @param mediaType lower-case {@code type/subtype} without parameters
 * @param data      decoded bytes (the array is not copied; treat it as read-only)
 * @param contentId Content-ID without angle brackets, or null
 * @param inline    true for images the HTML references through {@code cid:}; UIs show them in the body, not as files
 */
public record MailPart(String fileName, String mediaType, byte[] data, String contentId, boolean inline) {

    public MailPart {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(data, "data");
    }

    public int size() {
        return data.length;
    }

    // Arrays compare by identity in records; parts are values, and toString must not dump megabytes.
    @Override
    public boolean equals(Object o) {
        return o instanceof MailPart p && fileName.equals(p.fileName) && mediaType.equals(p.mediaType)
                && Arrays.equals(data, p.data) && Objects.equals(contentId, p.contentId) && inline == p.inline;
    }

    @Override
    public int hashCode() {
        return Objects.hash(fileName, mediaType, Arrays.hashCode(data), contentId, inline);
    }

    @Override
    public String toString() {
        return "MailPart[fileName=" + fileName + ", mediaType=" + mediaType + ", size=" + data.length
                + ", contentId=" + contentId + ", inline=" + inline + "]";
    }
}
