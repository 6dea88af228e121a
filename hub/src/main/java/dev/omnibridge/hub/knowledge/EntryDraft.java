package dev.omnibridge.hub.knowledge;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An entry as a file reader puts it together, checked by the same rules whatever the file's format; every problem
 * goes to the reader's list with the entry's file and line.
 */
final class EntryDraft {
    /** Ids are the operator's names; {@code :} is kept for synced articles ({@code <desk>:<article id>}). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A language code: ISO 639-1/-3, optionally with a region ({@code en}, {@code pt-BR}). */
    static final Pattern LANGUAGE = Pattern.compile("[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})?");

    final Path file;
    final int line;
    String id;
    final List<String> tags = new ArrayList<>();
    String link;
    int linkLine;
    final Map<String, Lang> languages = new LinkedHashMap<>();

    EntryDraft(Path file, int line) {
        this.file = file;
        this.line = line;
    }

    static final class Lang {
        final int line;
        String title;
        final List<String> questions = new ArrayList<>();
        String answer;

        Lang(int line) {
            this.line = line;
        }
    }

    /** The language's block, new when first named; a language named twice is a problem. */
    Lang language(String code, int at, List<String> problems) {
        String lang = KnowledgeEntry.language(code);
        if (!LANGUAGE.matcher(code.strip()).matches()) {
            problems.add(problem(at, "'" + code + "' is not a language code (e.g. en, de, pt-BR)"));
            return new Lang(at);
        }
        if (languages.containsKey(lang)) {
            problems.add(problem(at, "language '" + lang + "' is given twice"));
            return new Lang(at);
        }
        Lang l = new Lang(at);
        languages.put(lang, l);
        return l;
    }

    /** The checked entry, or null (the problems said why). */
    KnowledgeEntry build(String source, java.util.Set<String> seenIds, List<String> problems) {
        int before = problems.size();
        if (id == null || id.isBlank()) {
            problems.add(problem(line, "entry has no id"));
        } else if (!ID.matcher(id).matches()) {
            problems.add(problem(line, "entry id '" + shorten(id) + "' must be letters, digits, '.', '_' or '-' "
                    + "(at most 100, starting with a letter or digit)"));
        } else if (!seenIds.add(id)) {
            problems.add(problem(line, "entry id '" + id + "' is used twice"));
        }
        if (link != null && !link.isBlank()) {
            try {
                URI uri = new URI(link.strip());
                if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                    problems.add(problem(linkLine, what() + ": link must be an http(s) URL"));
                }
            } catch (java.net.URISyntaxException e) {
                problems.add(problem(linkLine, what() + ": link is not a valid URL"));
            }
        }
        if (languages.isEmpty()) {
            problems.add(problem(line, what() + " has no language (give at least one, e.g. en, with its questions "
                    + "and answer)"));
        }
        Map<String, KnowledgeEntry.Text> texts = new LinkedHashMap<>();
        languages.forEach((lang, l) -> {
            if (l.answer == null || l.answer.isBlank()) {
                problems.add(problem(l.line, what() + ", language '" + lang + "': no answer"));
            }
            if (l.questions.isEmpty() && (l.title == null || l.title.isBlank())) {
                problems.add(problem(l.line, what() + ", language '" + lang
                        + "': no question (give at least one way a customer asks for it)"));
            }
            if (l.answer != null && !l.answer.isBlank()) {
                texts.put(lang, new KnowledgeEntry.Text(l.title == null ? null : l.title.strip(), l.questions,
                        l.answer.strip()));
            }
        });
        if (problems.size() > before) {
            return null;
        }
        return new KnowledgeEntry(id, texts, tags, link == null || link.isBlank() ? null : link.strip(), source);
    }

    private String what() {
        return id == null || id.isBlank() ? "entry" : "entry '" + shorten(id) + "'";
    }

    String problem(int at, String message) {
        return KnowledgeFileException.at(file, at, message);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
