package dev.omnibridge.hub.knowledge;

import java.nio.file.Path;
import java.util.List;

/**
 * The knowledge base's sources ({@code knowledge:}): entry files next to the configuration and help-center syncs.
 * STUB of the issue-21 skeleton: the knowledge helper fills it in.
 *
 * @param files the entry files (YAML or Markdown), resolved against the configuration's folder
 */
public record KnowledgeConfig(List<Path> files) {
    public static final String KEY = "knowledge";

    public KnowledgeConfig {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public static KnowledgeConfig none() {
        return new KnowledgeConfig(List.of());
    }
}
