package dev.omnibridge.hub.knowledge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Entries from a Markdown file, written the way a help page reads: a {@code ## <id>} heading per entry, optional
 * {@code Tags:} and {@code Link:} lines, then a {@code ### <language>} heading per language with its
 * {@code Q:} lines (how customers ask; an optional {@code Title:} line) followed by the answer's text:
 * <pre>
 * # Store FAQ                      (anything before the first "## " is ignored)
 *
 * ## opening-hours
 * Tags: store, hours
 * Link: https://shop.example/hours
 *
 * ### en
 * Q: When are you open?
 * Q: What are your opening hours?
 *
 * We are open Monday to Friday, 9:00 to 18:00.
 *
 * ### de
 * Q: Wann haben Sie geöffnet?
 *
 * Wir haben Montag bis Freitag von 9 bis 18 Uhr geöffnet.
 * </pre>
 * The answer keeps its lines and paragraphs (Markdown is sent as written).
 */
final class MarkdownEntries {
    private MarkdownEntries() {
    }

    static List<KnowledgeEntry> read(Path file, String text, String source) throws KnowledgeFileException {
        List<String> problems = new ArrayList<>();
        List<EntryDraft> drafts = new ArrayList<>();
        EntryDraft entry = null;
        EntryDraft.Lang lang = null;
        StringBuilder answer = null;
        String[] lines = text.split("\r?\n", -1);
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String raw = lines[i];
            String line = raw.strip();
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("## ") || !fenced && line.equals("##")) {
                finish(lang, answer);
                lang = null;
                answer = null;
                entry = new EntryDraft(file, no);
                entry.id = line.substring(2).strip();
                drafts.add(entry);
                continue;
            }
            if (entry == null) {
                continue;   // the file's own title and introduction
            }
            if (!fenced && (line.startsWith("### ") || line.equals("###"))) {
                finish(lang, answer);
                String code = line.substring(3).strip();
                if (code.isEmpty()) {
                    problems.add(KnowledgeFileException.at(file, no, "'###' needs a language code (e.g. ### en)"));
                    lang = new EntryDraft.Lang(no);
                } else {
                    lang = entry.language(code, no, problems);
                }
                answer = new StringBuilder();
                continue;
            }
            if (lang == null) {
                // Between the entry's heading and its first language: Tags and Link only.
                if (line.isEmpty()) {
                    continue;
                }
                String key = key(line);
                if ("tags".equals(key)) {
                    for (String tag : value(line).split(",")) {
                        if (!tag.isBlank()) {
                            entry.tags.add(tag.strip());
                        }
                    }
                } else if ("link".equals(key)) {
                    entry.link = value(line);
                    entry.linkLine = no;
                } else {
                    problems.add(KnowledgeFileException.at(file, no, "entry '" + entry.id + "': expected 'Tags:', "
                            + "'Link:' or a '### <language>' heading"));
                }
                continue;
            }
            String key = fenced ? null : key(line);
            boolean answerStarted = !answer.toString().isBlank();
            if ("q".equals(key) || "title".equals(key)) {
                if (answerStarted) {
                    problems.add(KnowledgeFileException.at(file, no, "entry '" + entry.id + "': '" + line.substring(0,
                            line.indexOf(':') + 1) + "' lines go before the answer's text"));
                } else if ("q".equals(key)) {
                    String q = value(line);
                    if (q.isEmpty()) {
                        problems.add(KnowledgeFileException.at(file, no, "entry '" + entry.id + "': empty question"));
                    } else if (!lang.questions.contains(q)) {
                        lang.questions.add(q);
                    }
                } else {
                    lang.title = value(line);
                }
                continue;
            }
            if (!answerStarted && line.isEmpty()) {
                continue;
            }
            answer.append(raw.stripTrailing()).append('\n');
        }
        finish(lang, answer);
        List<KnowledgeEntry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (EntryDraft d : drafts) {
            KnowledgeEntry built = d.build(source, ids, problems);
            if (built != null) {
                entries.add(built);
            }
        }
        if (!problems.isEmpty()) {
            throw new KnowledgeFileException(file, problems);
        }
        return entries;
    }

    private static void finish(EntryDraft.Lang lang, StringBuilder answer) {
        if (lang != null && answer != null && !answer.toString().isBlank()) {
            lang.answer = answer.toString().strip();
        }
    }

    /** The key of a {@code Key: value} line ({@code q}, {@code title}, {@code tags}, {@code link}), or null. */
    private static String key(String line) {
        int colon = line.indexOf(':');
        if (colon < 1 || colon > 5) {
            return null;
        }
        String k = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        return Set.of("q", "title", "tags", "link").contains(k) ? k : null;
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).strip();
    }
}
