package dev.omnibridge.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reply options on a message (issue 21: "did this answer help?", a 1-5 rating). The hub puts them in the outbound
 * message's metadata under {@link #OFFERED}; a channel that can show buttons or quick replies
 * ({@link dev.omnibridge.spi.ChannelCapabilities#maxButtons()}) shows them, and when the customer picks one it sets
 * {@link #CHOSEN} on the inbound message to the choice's id (its text being the choice's title). A channel that
 * cannot gets the message with the options written into its text instead ({@link #numbered}), and the customer
 * answers with the number.
 */
public final class Choices {
    /** Metadata key of an outbound message's options: a JSON array of {@code {"id":…,"title":…}}. */
    public static final String OFFERED = "omnibridge.choices";
    /** Metadata key of an inbound message that is a pick: the picked choice's id. */
    public static final String CHOSEN = "omnibridge.choice";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The recommended shape of a choice id; see {@link #plausibleId}. */
    private static final java.util.regex.Pattern ID_SHAPE = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private Choices() {
    }

    /**
     * Whether {@code id} has the shape choice ids should have: 1-64 ASCII letters, digits, {@code _ . : -} (it then
     * fits every channel's button data, e.g. Telegram's 64-byte callback_data). A channel that cannot check a pick
     * against the options its message offered checks at least this before it sets {@link #CHOSEN}.
     */
    public static boolean plausibleId(String id) {
        return id != null && ID_SHAPE.matcher(id).matches();
    }

    /** The options offered with the message; empty when none (or when the metadata cannot be read). */
    public static List<Choice> of(Message m) {
        String raw = m.metadata().get(OFFERED);
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        try {
            List<Map<String, String>> rows = JSON.readValue(raw, new TypeReference<>() { });
            List<Choice> choices = new ArrayList<>(rows.size());
            for (Map<String, String> row : rows) {
                choices.add(new Choice(row.get("id"), row.get("title")));
            }
            return List.copyOf(choices);
        } catch (JsonProcessingException | RuntimeException e) {
            return List.of();
        }
    }

    /** The metadata value of {@link #OFFERED} for these options. */
    public static String encode(List<Choice> choices) {
        List<Map<String, String>> rows = new ArrayList<>(choices.size());
        for (Choice c : choices) {
            // Ordered, so the stored metadata is the same bytes on every run (Map.of's order is not fixed).
            Map<String, String> row = new java.util.LinkedHashMap<>();
            row.put("id", c.id());
            row.put("title", c.title());
            rows.add(row);
        }
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The message's metadata with the options added. */
    public static Map<String, String> offer(Map<String, String> metadata, List<Choice> choices) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(OFFERED, encode(choices));
        return m;
    }

    /**
     * The text with the options written out, one per line, numbered from 1: what a channel without buttons sends.
     * "Reply with the number" is left to the text's author (in the customer's language).
     */
    public static String numbered(String text, List<Choice> choices) {
        StringBuilder b = new StringBuilder(text == null ? "" : text);
        for (int i = 0; i < choices.size(); i++) {
            b.append(i == 0 ? "\n\n" : "\n").append(i + 1).append(". ").append(choices.get(i).title());
        }
        return b.toString();
    }

    /** The message without its options, their titles numbered into its text (see {@link #numbered}). */
    public static Message asNumberedText(Message m) {
        List<Choice> choices = of(m);
        if (choices.isEmpty()) {
            return m;
        }
        Map<String, String> metadata = new HashMap<>(m.metadata());
        metadata.remove(OFFERED);
        return m.toBuilder().text(numbered(m.text(), choices)).metadata(metadata).build();
    }
}
