package dev.omnibridge.hub.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.nio.file.Path;
import java.util.List;

/** Reads {@code knowledge:}. STUB of the issue-21 skeleton: the knowledge helper fills it in. */
public final class KnowledgeSection {
    private KnowledgeSection() {
    }

    public static KnowledgeConfig read(JsonNode section, Path base, List<HubConfig.Instance> instances,
                                       List<ConfigProblem> problems) {
        return KnowledgeConfig.none();
    }
}
