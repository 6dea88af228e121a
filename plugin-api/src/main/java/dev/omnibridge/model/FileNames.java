package dev.omnibridge.model;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a file name chosen by a stranger into one that is safe to store, to offer as a download and to show an agent.
 *
 * <p>Channel file names are attacker-controlled: they can climb directories ({@code ../../etc/passwd}), hide the real
 * extension behind a right-to-left override ({@code invoice\u202Efdp.exe} displays as {@code invoiceexe.pdf}), or
 * name devices Windows refuses to create. Every connector should pass names through {@link #sanitize} before they
 * reach an {@link Attachment}, so the hub, desks and agents see one consistent, harmless name.
 */
public final class FileNames {

    /** Names longer than this are shortened; leaves room below the common 255-byte file system limit for prefixes. */
    public static final int MAX_LENGTH = 200;

    private static final String FALLBACK = "attachment";
    private static final int MAX_EXTENSION_LENGTH = 16;

    private static final Set<String> WINDOWS_RESERVED = Set.of(
            "CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("application/pdf", ".pdf"),
            Map.entry("application/zip", ".zip"),
            Map.entry("application/gzip", ".gz"),
            Map.entry("application/json", ".json"),
            Map.entry("application/xml", ".xml"),
            Map.entry("application/msword", ".doc"),
            Map.entry("application/vnd.ms-excel", ".xls"),
            Map.entry("application/vnd.ms-powerpoint", ".ppt"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
            Map.entry("application/vnd.oasis.opendocument.text", ".odt"),
            Map.entry("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
            Map.entry("application/pkcs7-signature", ".p7s"),
            Map.entry("application/pgp-signature", ".asc"),
            Map.entry("image/png", ".png"),
            Map.entry("image/jpeg", ".jpg"),
            Map.entry("image/jpg", ".jpg"),
            Map.entry("image/pjpeg", ".jpg"),
            Map.entry("image/gif", ".gif"),
            Map.entry("image/webp", ".webp"),
            Map.entry("image/bmp", ".bmp"),
            Map.entry("image/tiff", ".tiff"),
            Map.entry("image/heic", ".heic"),
            Map.entry("image/svg+xml", ".svg"),
            Map.entry("audio/mpeg", ".mp3"),
            Map.entry("audio/ogg", ".ogg"),
            Map.entry("audio/wav", ".wav"),
            Map.entry("video/mp4", ".mp4"),
            Map.entry("video/quicktime", ".mov"),
            Map.entry("text/plain", ".txt"),
            Map.entry("text/html", ".html"),
            Map.entry("text/csv", ".csv"),
            Map.entry("text/calendar", ".ics"),
            Map.entry("text/vcard", ".vcf"),
            Map.entry("text/x-vcard", ".vcf"),
            Map.entry("message/rfc822", ".eml"));

    private FileNames() {
    }

    /**
     * Returns a safe file name: no path, no control, invisible or bidi characters, nothing Windows rejects, at most
     * {@link #MAX_LENGTH} characters with the extension kept. Never returns an empty string.
     *
     * @param name      the name as received, may be null
     * @param mediaType e.g. {@code image/png}, may be null or carry parameters; only used to name a nameless file
     */
    public static String sanitize(String name, String mediaType) {
        String cleaned = name == null ? "" : clean(name);
        if (cleaned.isEmpty()) {
            return FALLBACK + extensionFor(mediaType);
        }
        return cleaned;
    }

    /** The usual extension (with dot) for a media type, or "" when unknown. */
    public static String extensionFor(String mediaType) {
        if (mediaType == null) {
            return "";
        }
        int semicolon = mediaType.indexOf(';');
        String bare = (semicolon >= 0 ? mediaType.substring(0, semicolon) : mediaType).trim().toLowerCase(Locale.ROOT);
        return EXTENSIONS.getOrDefault(bare, "");
    }

    private static String clean(String name) {
        String s = lastPathSegment(name);
        s = removeUnsafeCharacters(s);
        s = trimDotsAndSpaces(s);
        if (s.isEmpty()) {
            return s;
        }
        s = capLength(s);
        if (isWindowsReserved(s)) {
            s = "_" + s;
        }
        return s;
    }

    /** Keeps only what follows the last separator; both kinds, because names travel between operating systems. */
    private static String lastPathSegment(String name) {
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        String s = cut >= 0 ? name.substring(cut + 1) : name;
        if (s.length() >= 2 && s.charAt(1) == ':' && isAsciiLetter(s.charAt(0))) {
            s = s.substring(2); // "C:report.txt" is drive-relative on Windows
        }
        return s;
    }

    private static String removeUnsafeCharacters(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (isDropped(cp)) {
                return;
            }
            if (isWindowsIllegal(cp)) {
                out.append('_');
            } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                out.append(' '); // a no-break or ideographic space looks like a space but tricks comparisons
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString().replaceAll(" {2,}", " ");
    }

    private static boolean isDropped(int cp) {
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            return true; // C0, DEL, C1
        }
        int type = Character.getType(cp);
        // FORMAT covers U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+061C, U+FEFF and other invisible controls.
        return type == Character.FORMAT
                || type == Character.SURROGATE // lone surrogate: not encodable, corrupts storage
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static boolean isWindowsIllegal(int cp) {
        return cp == '<' || cp == '>' || cp == ':' || cp == '"' || cp == '|' || cp == '?' || cp == '*';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Leading dots hide files on Unix; trailing dots and spaces are silently dropped by Windows. */
    private static String trimDotsAndSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == ' ')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Windows treats "CON.txt" like "CON": the part before the first dot decides. */
    private static boolean isWindowsReserved(String s) {
        int dot = s.indexOf('.');
        String base = (dot >= 0 ? s.substring(0, dot) : s).trim().toUpperCase(Locale.ROOT);
        return WINDOWS_RESERVED.contains(base);
    }

    /** Shortens by code points, never splitting a surrogate pair, and keeps a short extension intact. */
    private static String capLength(String s) {
        if (s.codePointCount(0, s.length()) <= MAX_LENGTH) {
            return s;
        }
        String extension = "";
        int dot = s.lastIndexOf('.');
        if (dot > 0) {
            String candidate = s.substring(dot);
            if (candidate.codePointCount(0, candidate.length()) <= MAX_EXTENSION_LENGTH) {
                extension = candidate;
            }
        }
        String stem = extension.isEmpty() ? s : s.substring(0, dot);
        int keep = MAX_LENGTH - extension.codePointCount(0, extension.length());
        stem = stem.substring(0, stem.offsetByCodePoints(0, keep));
        stem = trimDotsAndSpaces(stem);
        return stem.isEmpty() ? FALLBACK + extension : stem + extension;
    }
}
