package dev.omnibridge.hub.triage;

import java.util.Map;

/**
 * One desk a route sends a message to.
 *
 * @param desk       the desk instance id
 * @param assignment where in the desk its ticket goes (keys of the desk type's {@code assignment()}), may be empty
 */
public record DeskTarget(String desk, Map<String, String> assignment) {
    public DeskTarget {
        assignment = assignment == null ? Map.of() : Map.copyOf(assignment);
    }

    public static DeskTarget of(String desk) {
        return new DeskTarget(desk, Map.of());
    }
}
