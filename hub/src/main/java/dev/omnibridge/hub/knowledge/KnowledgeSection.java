package dev.omnibridge.hub.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code knowledge:}, every problem reported under {@code knowledge.<key>}; the entry files are read too, so
 * {@code omnibridge validate} shows a bad entry with its file and line before the hub starts:
 * <pre>
 * knowledge:
 *   files: [knowledge/faq.yaml, knowledge/returns.md]   # next to the configuration
 *   languages: [en, de, fr, es]     # analyzers to use (default: en + triage.languages)
 *   sync:                           # help centers of desk instances whose connector has one
 *     - desk: zendesk
 *       every: 6h                   # default 6h, at least 5m
 * </pre>
 * Whether a desk's connector has a help center is known only once it runs: the hub reports that in {@code /health}.
 */
public final class KnowledgeSection {
    private static final Set<String> KEYS = Set.of("files", "languages", "sync");
    private static final Set<String> SYNC_KEYS = Set.of("desk", "every");

    private KnowledgeSection() {
    }

    public static KnowledgeConfig read(JsonNode section, Path base, List<HubConfig.Instance> instances,
                                       List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return KnowledgeConfig.none();
        }
        if (!section.isObject()) {
            problems.add(problem("", "must be a mapping with files, languages and sync"));
            return KnowledgeConfig.none();
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                problems.add(problem(key, "unknown key; known: " + String.join(", ", new TreeSet<>(KEYS))));
            }
        }
        List<Path> files = files(section.path("files"), base, problems);
        List<String> languages = languages(section.path("languages"), problems);
        List<KnowledgeConfig.Sync> sync = sync(section.path("sync"), instances, problems);
        return new KnowledgeConfig(files, languages, sync);
    }

    private static List<Path> files(JsonNode node, Path base, List<ConfigProblem> problems) {
        List<Path> files = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return files;
        }
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (node.isTextual()) {
            items.add(node);
        } else {
            problems.add(problem("files", "must be a list of file names (YAML or Markdown)"));
            return files;
        }
        // Ids must be unique across the files too: an answer must not depend on which file was read last.
        Map<String, String> idsSeen = new HashMap<>();
        for (JsonNode item : items) {
            if (!item.isTextual() || item.asText().isBlank()) {
                problems.add(problem("files", "each item must be a file name"));
                continue;
            }
            Path file = (base == null ? Path.of(item.asText().strip()) : base.resolve(item.asText().strip()))
                    .normalize();
            if (files.contains(file)) {
                problems.add(problem("files", "'" + item.asText().strip() + "' is listed twice"));
                continue;
            }
            files.add(file);
            if (!KnowledgeFiles.readable(file)) {
                problems.add(problem("files", "'" + item.asText().strip() + "': entry files end in .yaml, .yml or "
                        + ".md"));
                continue;
            }
            try {
                for (KnowledgeEntry e : KnowledgeFiles.read(file, file.getFileName().toString())) {
                    String other = idsSeen.putIfAbsent(e.id(), file.getFileName().toString());
                    if (other != null) {
                        problems.add(problem("files", file.getFileName() + ": entry id '" + e.id()
                                + "' is also in " + other + " (ids must be unique across the files)"));
                    }
                }
            } catch (KnowledgeFileException e) {
                e.problems().forEach(p -> problems.add(problem("files", p)));
            }
        }
        return files;
    }

    private static List<String> languages(JsonNode node, List<ConfigProblem> problems) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        List<String> given = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> given.add(n.asText()));
        } else if (node.isTextual()) {
            for (String part : node.asText().split(",")) {
                given.add(part);
            }
        } else {
            problems.add(problem("languages", "must be a list of language codes (e.g. [en, de, fr, es])"));
            return out;
        }
        for (String g : given) {
            if (g.isBlank()) {
                continue;
            }
            if (!EntryDraft.LANGUAGE.matcher(g.strip()).matches()) {
                problems.add(problem("languages", "'" + g.strip() + "' is not a language code (e.g. en, de)"));
                continue;
            }
            String lang = KnowledgeEntry.language(g);
            if (!out.contains(lang)) {
                out.add(lang);
            }
        }
        return out;
    }

    private static List<KnowledgeConfig.Sync> sync(JsonNode node, List<HubConfig.Instance> instances,
                                                   List<ConfigProblem> problems) {
        List<KnowledgeConfig.Sync> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add(problem("sync", "must be a list of {desk, every}"));
            return out;
        }
        Set<String> ids = new TreeSet<>();
        instances.forEach(i -> ids.add(i.id()));
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (JsonNode item : node) {
            String at = "sync[" + index++ + "]";
            if (item.isTextual()) {
                item = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("desk", item.asText());
            }
            if (!item.isObject()) {
                problems.add(problem(at, "must be a mapping with desk and every"));
                continue;
            }
            for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!SYNC_KEYS.contains(key)) {
                    problems.add(problem(at + "." + key, "unknown key; known: desk, every"));
                }
            }
            String desk = item.path("desk").asText("").strip();
            if (desk.isEmpty()) {
                problems.add(problem(at + ".desk", "is required (the desk instance whose help center to read)"));
                continue;
            }
            if (!ids.contains(desk)) {
                problems.add(problem(at + ".desk", "no instance has the id '" + desk + "' (known: " + ids + ")"));
                continue;
            }
            if (!seen.add(desk)) {
                problems.add(problem(at + ".desk", "'" + desk + "' is synced twice"));
                continue;
            }
            Duration every = KnowledgeConfig.DEFAULT_EVERY;
            JsonNode e = item.path("every");
            if (!e.isMissingNode() && !e.isNull()) {
                try {
                    every = ConfigDef.parseDuration(e.asText().strip().toLowerCase(Locale.ROOT));
                    if (every.compareTo(KnowledgeConfig.MIN_EVERY) < 0) {
                        problems.add(problem(at + ".every", "must be at least 5m (help centers limit their API), "
                                + "was '" + e.asText() + "'"));
                        every = KnowledgeConfig.MIN_EVERY;
                    }
                } catch (IllegalArgumentException ex) {
                    problems.add(problem(at + ".every", ex.getMessage() + ", was '" + e.asText() + "'"));
                    continue;
                }
            }
            out.add(new KnowledgeConfig.Sync(desk, every));
        }
        return out;
    }

    private static ConfigProblem problem(String key, String message) {
        return new ConfigProblem(null, key.isEmpty() ? KnowledgeConfig.KEY : KnowledgeConfig.KEY + "." + key,
                message);
    }
}
