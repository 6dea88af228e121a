package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Priority;

import java.util.List;

/**
 * One classification rule of {@code triage.rules}.
 *
 * @param name     unique, shown in the stored record and the rules test
 * @param when     what must hold for it to fire
 * @param priority the priority it sets, or null: it sets none
 * @param tags     the tags it adds
 * @param stop     when it fires, no later rule is evaluated
 */
public record Rule(String name, Condition when, Priority priority, List<String> tags, boolean stop) {
    public Rule {
        tags = List.copyOf(tags);
    }
}
