package dev.omnibridge.hub.triage;

import java.util.List;
import java.util.Map;

/**
 * The {@code triage:} section: which languages to detect, the named contact lists, the classification rules. Read
 * (and its keys declared) by {@link TriageSection}.
 *
 * @param languages     the languages detection chooses among (ISO 639-1); empty: no detection, unless an
 *                      instance lists its own
 * @param minConfidence below this (0 to 1) the detector says unknown
 * @param lists         named address lists, e.g. {@code vip}
 * @param rules         the classification rules, in order
 */
public record TriageConfig(List<String> languages, double minConfidence, Map<String, ContactList> lists,
                           List<Rule> rules) {
    public static final String KEY = "triage";
    public static final double DEFAULT_MIN_CONFIDENCE = 0.5;

    public TriageConfig {
        languages = List.copyOf(languages);
        lists = Map.copyOf(lists);
        rules = List.copyOf(rules);
    }

    /** No detection, no rules. */
    public static TriageConfig none() {
        return new TriageConfig(List.of(), DEFAULT_MIN_CONFIDENCE, Map.of(), List.of());
    }
}
