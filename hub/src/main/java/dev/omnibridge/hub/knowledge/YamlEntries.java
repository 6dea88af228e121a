package dev.omnibridge.hub.knowledge;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Entries from a YAML file: a list under {@code entries:} (or the list itself), each entry a mapping with its id,
 * optional tags and link, and one block per language:
 * <pre>
 * entries:
 *   - id: opening-hours
 *     tags: [store]
 *     link: https://shop.example/hours
 *     en:
 *       title: Opening hours                  # optional: the first question otherwise
 *       questions:                            # a list; in [..] lists a '?' needs quotes
 *         - When are you open?
 *         - What are your opening hours?
 *       answer: We are open Monday to Friday, 9:00 to 18:00.
 *     de:
 *       questions:
 *         - Wann haben Sie geöffnet?
 *       answer: Wir haben Montag bis Freitag von 9 bis 18 Uhr geöffnet.
 * </pre>
 * The file is read as a node tree (SnakeYAML's composer) so that every problem names its line.
 */
final class YamlEntries {
    private static final String ENTRY_KEYS = "id, tags, link";
    private static final String LANGUAGE_KEYS = "title, questions, answer";

    private YamlEntries() {
    }

    static List<KnowledgeEntry> read(Path file, String text, String source) throws KnowledgeFileException {
        List<String> problems = new ArrayList<>();
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            // The problem and its place only: SnakeYAML's full message quotes the file's line.
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, line,
                    "YAML syntax error: " + e.getProblem() + " (a text with '?', ':' or '#' inside [...] or {...} "
                            + "needs quotes; or write the list with '- ' lines)")));
        } catch (RuntimeException e) {
            throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, 0,
                    "unreadable YAML (" + e.getClass().getSimpleName() + ")")));
        }
        if (root == null) {
            return List.of();   // an empty file: no entries yet
        }
        Node list = root;
        if (root instanceof MappingNode m) {
            list = null;
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode());
                if ("entries".equals(key)) {
                    list = t.getValueNode();
                } else {
                    problems.add(at(file, t.getKeyNode(), "unknown key '" + key + "' (the file has 'entries:')"));
                }
            }
            if (list == null) {
                problems.add(at(file, root, "no 'entries:' list"));
                throw new KnowledgeFileException(file, problems);
            }
        }
        if (list instanceof ScalarNode s && s.getValue().isEmpty()) {
            return List.of();   // entries: (nothing yet)
        }
        if (!(list instanceof SequenceNode seq)) {
            problems.add(at(file, list, "'entries' must be a list of entries"));
            throw new KnowledgeFileException(file, problems);
        }
        List<KnowledgeEntry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Node item : seq.getValue()) {
            EntryDraft draft = new EntryDraft(file, line(item));
            if (!(item instanceof MappingNode entry)) {
                problems.add(at(file, item, "an entry must be a mapping with id, a language block (e.g. en) and "
                        + "optionally tags and link"));
                continue;
            }
            for (NodeTuple t : entry.getValue()) {
                String key = scalar(t.getKeyNode());
                Node value = t.getValueNode();
                switch (key == null ? "" : key) {
                    case "id" -> draft.id = text(file, value, "id", problems);
                    case "link" -> {
                        draft.link = text(file, value, "link", problems);
                        draft.linkLine = line(value);
                    }
                    case "tags" -> draft.tags.addAll(strings(file, value, "tags", problems));
                    default -> {
                        if (key == null || !EntryDraft.LANGUAGE.matcher(key).matches()) {
                            problems.add(at(file, t.getKeyNode(), "unknown key '" + key + "'; an entry has "
                                    + ENTRY_KEYS + " and language blocks (en, de, ...)"));
                        } else {
                            language(file, draft, key, t, problems);
                        }
                    }
                }
            }
            KnowledgeEntry built = draft.build(source, ids, problems);
            if (built != null) {
                entries.add(built);
            }
        }
        if (!problems.isEmpty()) {
            throw new KnowledgeFileException(file, problems);
        }
        return entries;
    }

    private static void language(Path file, EntryDraft draft, String code, NodeTuple t, List<String> problems) {
        EntryDraft.Lang lang = draft.language(code, line(t.getKeyNode()), problems);
        if (!(t.getValueNode() instanceof MappingNode block)) {
            problems.add(at(file, t.getValueNode(), "language '" + code + "' must be a mapping with questions and "
                    + "answer (and optionally title)"));
            return;
        }
        for (NodeTuple lt : block.getValue()) {
            String key = scalar(lt.getKeyNode());
            Node value = lt.getValueNode();
            switch (key == null ? "" : key) {
                case "title" -> lang.title = text(file, value, code + ".title", problems);
                case "answer" -> lang.answer = text(file, value, code + ".answer", problems);
                case "questions" -> strings(file, value, code + ".questions", problems).stream()
                        .map(String::strip).filter(q -> !lang.questions.contains(q)).forEach(lang.questions::add);
                default -> problems.add(at(file, lt.getKeyNode(), "unknown key '" + key + "' in language '" + code
                        + "'; known: " + LANGUAGE_KEYS));
            }
        }
    }

    private static String text(Path file, Node node, String key, List<String> problems) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        problems.add(at(file, node, key + " must be a text"));
        return null;
    }

    /** A list of texts, or one text (a single question). Blank ones are problems. */
    private static List<String> strings(Path file, Node node, String key, List<String> problems) {
        List<String> out = new ArrayList<>();
        if (node instanceof ScalarNode s) {
            if (!s.getValue().isBlank()) {
                out.add(s.getValue().strip());
            }
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            problems.add(at(file, node, key + " must be a list of texts"));
            return out;
        }
        for (Node n : seq.getValue()) {
            if (n instanceof ScalarNode s && !s.getValue().isBlank()) {
                out.add(s.getValue().strip());
            } else {
                problems.add(at(file, n, key + ": each item must be a non-empty text"));
            }
        }
        return out;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String at(Path file, Node node, String message) {
        return KnowledgeFileException.at(file, line(node), message);
    }
}
