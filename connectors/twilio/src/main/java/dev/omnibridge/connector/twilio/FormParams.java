package dev.omnibridge.connector.twilio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an {@code application/x-www-form-urlencoded} body (or query), decoded, in arrival order, with
 * repeated names kept: Twilio signs every value, so none may be lost or merged.
 */
record FormParams(List<Map.Entry<String, String>> entries) {
    FormParams {
        entries = List.copyOf(entries);
    }

    static FormParams empty() {
        return new FormParams(List.of());
    }

    /**
     * Decodes {@code a=1&b=x+y&b=%2B1}. A name without {@code =} has an empty value.
     *
     * @throws IllegalArgumentException when an escape is malformed or the bytes are not UTF-8
     */
    static FormParams parse(String encoded) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return new FormParams(entries);
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            entries.add(Map.entry(name, value));
        }
        return new FormParams(entries);
    }

    static FormParams parse(byte[] body) {
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The first value of a parameter, if any. */
    Optional<String> first(String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equals(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The first non-blank value among several names (Twilio kept old names such as SmsSid for compatibility). */
    Optional<String> firstOf(String... names) {
        for (String name : names) {
            Optional<String> v = first(name).filter(s -> !s.isBlank());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** Values by name, names in arrival order, values in arrival order. */
    Map<String, List<String>> grouped() {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries) {
            grouped.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return grouped;
    }
}
