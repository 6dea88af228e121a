package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.spi.ChannelCapabilities;

/**
 * A channel instance's capabilities as {@code /api/instances} shows them (the console's Instances view reads them):
 * limits of 0 are "no limit", text length in the named unit, file sizes in bytes.
 */
final class CapabilitiesJson {
    private CapabilitiesJson() {
    }

    static ObjectNode of(ObjectMapper json, ChannelCapabilities c) {
        ObjectNode n = json.createObjectNode();
        n.putObject("text").put("maxLength", c.maxTextLength()).put("unit", c.textUnit().name())
                .put("maxParts", c.maxParts()).put("maxLengthWithButtons", c.maxTextWithButtons());
        n.putObject("buttons").put("max", c.maxButtons()).put("maxLabelLength", c.maxButtonLabelLength());
        ObjectNode media = n.putObject("media").put("source", c.mediaSource().name());
        ArrayNode types = media.putArray("types");
        c.media().forEach(r -> types.addObject().put("type", r.pattern()).put("maxBytes", r.maxBytes()));
        n.put("richText", c.richText().name());
        n.put("templates", c.templates());
        n.put("edits", c.edits());
        n.put("typing", c.typing());
        n.put("readReceipts", c.readReceipts());
        return n;
    }
}
