package dev.omnibridge.hub.triage;

/**
 * The {@code triage:} section: languages to detect, lists, classification rules. (Skeleton: filled in by the rules
 * work.)
 */
public record TriageConfig() {
    public static final String KEY = "triage";

    /** No detection, no rules. */
    public static TriageConfig none() {
        return new TriageConfig();
    }
}
