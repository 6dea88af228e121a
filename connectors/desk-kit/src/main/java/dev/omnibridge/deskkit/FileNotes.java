package dev.omnibridge.deskkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's files that could not be passed on with a reply. A file is never dropped silently: the reply's text
 * (and HTML) gets one line naming the files, without the technical reason, which goes into the reply's metadata
 * ({@value #METADATA_KEY}) for the operator console and the logs.
 */
public final class FileNotes {
    /** Metadata key of a reply: {@code name (reason); name (reason)} for each file not passed on. */
    public static final String METADATA_KEY = "desk.filesNotFetched";

    private final Map<String, String> missing = new LinkedHashMap<>();

    /** Records a file that could not be fetched; {@code reason} must hold no credential (scrub it first). */
    public void add(String fileName, String reason) {
        String name = fileName == null || fileName.isBlank() ? "attachment" : fileName.strip();
        String key = name;
        for (int n = 2; missing.containsKey(key); n++) {
            key = name + " #" + n;
        }
        missing.put(key, reason == null ? "unknown reason" : reason);
    }

    public boolean isEmpty() {
        return missing.isEmpty();
    }

    /** The line that names the files, e.g. {@code [File not passed on: label.pdf]}. */
    public String line() {
        List<String> names = new ArrayList<>();
        missing.keySet().forEach(k -> names.add(k.replaceFirst(" #[0-9]+$", "")));
        return "[" + (names.size() == 1 ? "File" : "Files") + " not passed on: " + String.join(", ", names) + "]";
    }

    /** The reply text with the line appended (the text itself when every file arrived). */
    public String appendTo(String text) {
        if (isEmpty()) {
            return text;
        }
        String base = text == null ? "" : text.stripTrailing();
        return base.isEmpty() ? line() : base + "\n\n" + line();
    }

    /** The reply HTML with the line appended as an escaped paragraph; null stays null. */
    public String appendToHtml(String html) {
        if (isEmpty() || html == null) {
            return html;
        }
        String escaped = line().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
        return html + "<p>" + escaped + "</p>";
    }

    /** The metadata with {@value #METADATA_KEY} added when files are missing. */
    public Map<String, String> addTo(Map<String, String> metadata) {
        if (isEmpty()) {
            return metadata;
        }
        Map<String, String> out = new LinkedHashMap<>(metadata);
        List<String> parts = new ArrayList<>();
        missing.forEach((name, reason) -> parts.add(name + " (" + reason + ")"));
        out.put(METADATA_KEY, String.join("; ", parts));
        return out;
    }
}
