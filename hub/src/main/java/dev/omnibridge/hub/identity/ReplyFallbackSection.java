package dev.omnibridge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code identity.replyFallback} (a list of channel instance ids, in order of preference) and
 * {@code identity.channels.<instance>.replyFallback} (the same, for one channel instance; an empty list turns the
 * fallback off for it) into a {@link ReplyFallbackConfig}. Every id must name a configured instance, none may repeat,
 * and a channel's list may not name the channel itself; each problem is reported under its key.
 */
final class ReplyFallbackSection {
    private static final String PREFIX = IdentityConfig.KEY + ".";
    private static final Set<String> CHANNEL_KEYS = Set.of(IdentitySection.REPLY_FALLBACK);

    private ReplyFallbackSection() {
    }

    static ReplyFallbackConfig read(JsonNode defaults, JsonNode channels, List<String> instanceIds,
                                    List<ConfigProblem> problems) {
        List<String> order = ids(defaults, PREFIX + IdentitySection.REPLY_FALLBACK, null, instanceIds, problems);
        Map<String, List<String>> perChannel = new LinkedHashMap<>();
        if (!channels.isMissingNode() && !channels.isNull()) {
            String key = PREFIX + IdentitySection.CHANNELS;
            if (!channels.isObject()) {
                problems.add(new ConfigProblem(null, key, "must be a mapping of channel instance ids"));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = channels.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String channel = e.getKey();
                    String at = key + "." + channel;
                    if (!instanceIds.contains(channel)) {
                        problems.add(new ConfigProblem(null, at, "no instance '" + channel + "' is configured"));
                        continue;
                    }
                    if (!e.getValue().isObject()) {
                        problems.add(new ConfigProblem(null, at, "must be a mapping (replyFallback)"));
                        continue;
                    }
                    for (Iterator<String> keys = e.getValue().fieldNames(); keys.hasNext(); ) {
                        String k = keys.next();
                        if (!CHANNEL_KEYS.contains(k)) {
                            problems.add(new ConfigProblem(null, at + "." + k, "unknown key; known: "
                                    + String.join(", ", CHANNEL_KEYS)));
                        }
                    }
                    JsonNode list = e.getValue().path(IdentitySection.REPLY_FALLBACK);
                    if (!list.isMissingNode()) {
                        perChannel.put(channel, ids(list, at + "." + IdentitySection.REPLY_FALLBACK, channel,
                                instanceIds, problems));
                    }
                }
            }
        }
        return new ReplyFallbackConfig(order, perChannel);
    }

    /** A list of instance ids (a single id is taken as a list of one). */
    private static List<String> ids(JsonNode node, String key, String channel, List<String> instanceIds,
                                    List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        if (node.isTextual()) {
            items.add(node);
        } else if (node.isArray()) {
            node.forEach(items::add);
        } else {
            problems.add(new ConfigProblem(null, key, "must be a list of channel instance ids"));
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode item : items) {
            String id = item.isTextual() ? item.asText().strip() : "";
            if (id.isEmpty()) {
                problems.add(new ConfigProblem(null, key, "must hold channel instance ids, found '" + item + "'"));
            } else if (!instanceIds.contains(id)) {
                problems.add(new ConfigProblem(null, key, "no instance '" + id + "' is configured"));
            } else if (id.equals(channel)) {
                problems.add(new ConfigProblem(null, key, "'" + id + "' cannot be its own fallback"));
            } else if (ids.contains(id)) {
                problems.add(new ConfigProblem(null, key, "'" + id + "' is listed twice"));
            } else {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }
}
