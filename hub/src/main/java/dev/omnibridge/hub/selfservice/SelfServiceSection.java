package dev.omnibridge.hub.selfservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.util.List;

/** Reads {@code selfService:}. STUB of the issue-21 skeleton: the bot helper fills it in. */
public final class SelfServiceSection {
    private SelfServiceSection() {
    }

    public static SelfServiceConfig read(JsonNode section, List<HubConfig.Instance> instances,
                                         List<ConfigProblem> problems) {
        return SelfServiceConfig.off();
    }
}
