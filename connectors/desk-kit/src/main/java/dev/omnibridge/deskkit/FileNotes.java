package dev.omnibridge.deskkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's files that could not be passed on with a reply. A file is never dropped silently: the reply's text
 * (and HTML) gets a line naming each file, without the technical reason, which goes into the reply's metadata
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

    /** One line per file, as the desks' other notes read: {@code [file not attached: label.pdf]}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        missing.keySet().forEach(k -> out.add("[file not attached: " + k.replaceFirst(" #[0-9]+$", "") + "]"));
        return out;
    }

    /** The reply text with the lines appended (the text itself when every file arrived). */
    public String appendTo(String text) {
        if (isEmpty()) {
            return text;
        }
        String base = text == null ? "" : text.stripTrailing();
        String lines = String.join("\n", lines());
        return base.isEmpty() ? lines : base + "\n" + lines;
    }

    /** The reply HTML with the line appended as an escaped paragraph; null stays null. */
    public String appendToHtml(String html) {
        if (isEmpty() || html == null) {
            return html;
        }
        StringBuilder out = new StringBuilder(html);
        for (String line : lines()) {
            out.append("<p>").append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("\"", "&quot;")).append("</p>");
        }
        return out.toString();
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
