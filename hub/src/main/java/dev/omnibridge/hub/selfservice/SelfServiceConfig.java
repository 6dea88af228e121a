package dev.omnibridge.hub.selfservice;

import java.util.Map;

/**
 * The self-service bot per channel instance ({@code selfService:}). STUB of the issue-21 skeleton: the bot helper
 * fills it in (modes off / suggest / answer, thresholds, hand-off words).
 */
public record SelfServiceConfig(Map<String, String> modes) {
    public static final String KEY = "selfService";

    public SelfServiceConfig {
        modes = modes == null ? Map.of() : Map.copyOf(modes);
    }

    public static SelfServiceConfig off() {
        return new SelfServiceConfig(Map.of());
    }
}
