package dev.omnibridge.hub.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a route keeps in step between the desks of its conversations ({@code mirror:} of a route): agents' public
 * replies (as internal notes on the other desks' tickets), status changes (resolved, reopened), both, or nothing.
 *
 * @param replies a reply given at one desk (or in the console inbox) is added to the others as a note
 * @param status  a status change at one desk is told to the others
 */
public record MirrorSetting(boolean replies, boolean status) {
    public static final String KEY = "mirror";
    public static final MirrorSetting BOTH = new MirrorSetting(true, true);
    public static final MirrorSetting NONE = new MirrorSetting(false, false);
    static final String REPLIES = "replies";
    static final String STATUS = "status";
    static final String OFF = "none";

    /** Whether anything is mirrored. */
    public boolean any() {
        return replies || status;
    }

    /** This setting with everything {@code other} mirrors too. */
    public MirrorSetting and(MirrorSetting other) {
        return new MirrorSetting(replies || other.replies, status || other.status);
    }

    /**
     * Reads a route's {@code mirror:}: {@code replies}, {@code status}, {@code none}, or a list of {@code replies} and
     * {@code status} ({@code [replies, status]}); every problem reported under {@code where}.
     *
     * @return the setting, or null when the key is absent (the default: both where a conversation has two desks)
     */
    public static MirrorSetting read(JsonNode node, String where, List<ConfigProblem> problems) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        String expected = "must be replies, status, none or a list of replies and status (e.g. [replies, status])";
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
            if (items.isEmpty()) {
                problems.add(new ConfigProblem(null, where, "is an empty list; write none to mirror nothing, or "
                        + "leave it out for the default [replies, status]"));
                return null;
            }
        } else {
            items.add(node);
        }
        Set<String> words = new LinkedHashSet<>();
        for (JsonNode item : items) {
            String word = item.isValueNode() && !item.isNull()
                    ? item.asText().strip().toLowerCase(java.util.Locale.ROOT) : "";
            if (!word.equals(REPLIES) && !word.equals(STATUS) && !word.equals(OFF)) {
                problems.add(new ConfigProblem(null, where, expected + "; was '"
                        + (item.isValueNode() ? item.asText() : item.toString()) + "'"));
                return null;
            }
            words.add(word);
        }
        if (words.contains(OFF) && words.size() > 1) {
            problems.add(new ConfigProblem(null, where, "none cannot be combined with replies or status"));
            return null;
        }
        return new MirrorSetting(words.contains(REPLIES), words.contains(STATUS));
    }

    /** As written in the configuration: {@code [replies, status]}, {@code [replies]}, {@code none}. */
    @Override
    public String toString() {
        if (!any()) {
            return OFF;
        }
        List<String> parts = new ArrayList<>();
        if (replies) {
            parts.add(REPLIES);
        }
        if (status) {
            parts.add(STATUS);
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
