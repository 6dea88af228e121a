package dev.omnibridge.connector.email.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A structured header value such as Content-Type or Content-Disposition: the main value plus parameters, with RFC
 * 2231 extended and continued parameters decoded.
 *
 * <p>Hand-written because Jakarta Mail's parser is strict unless a JVM-wide system property is set, and real mail
 * breaks it constantly: unquoted {@code boundary=----=_Part_1}, {@code filename=report final.pdf}, empty parameters,
 * RFC 2231 values in charsets Java does not know.
 *
 * @param value  main value, lower-case and trimmed (e.g. {@code multipart/mixed}, {@code attachment}); "" if absent
 * @param params parameter values by lower-case name
 */
record HeaderParams(String value, Map<String, String> params) {

    static final HeaderParams EMPTY = new HeaderParams("", Map.of());

    String param(String name) {
        return params.get(name);
    }

    /** Parses a header value that was already unfolded; null gives {@link #EMPTY}. */
    static HeaderParams parse(String header) {
        if (header == null) {
            return EMPTY;
        }
        int semicolon = indexOfUnquoted(header, ';', 0);
        String value = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        int paren = value.indexOf('('); // a trailing RFC 822 comment, e.g. "7bit (mostly)"
        if (paren >= 0) {
            value = value.substring(0, paren).trim();
        }
        Map<String, String> raw = new LinkedHashMap<>();
        int pos = semicolon < 0 ? header.length() : semicolon + 1;
        while (pos < header.length()) {
            pos = readParameter(header, pos, raw);
        }
        return new HeaderParams(value, resolve(raw));
    }

    private static int readParameter(String s, int pos, Map<String, String> into) {
        int end = indexOfUnquoted(s, ';', pos);
        if (end < 0) {
            end = s.length();
        }
        String item = s.substring(pos, end);
        int eq = item.indexOf('=');
        if (eq > 0) {
            String name = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).trim();
            if (!name.isEmpty() && !into.containsKey(name)) {
                into.put(name, unquote(value));
            }
        }
        return end + 1;
    }

    private static int indexOfUnquoted(String s, char wanted, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && isEscape(s, i)) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == wanted) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Only {@code \"} and {@code \\} count as escapes: old Windows clients put unescaped paths such as
     * {@code "C:\docs\a.pdf"} in quotes, and reading {@code \d} as an escape would glue the path into the name.
     */
    private static boolean isEscape(String s, int i) {
        return s.charAt(i) == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\');
    }

    private static String unquote(String v) {
        if (v.length() >= 1 && v.charAt(0) == '"') {
            StringBuilder out = new StringBuilder(v.length());
            for (int i = 1; i < v.length(); i++) {
                char c = v.charAt(i);
                if (isEscape(v, i)) {
                    out.append(v.charAt(++i));
                } else if (c == '"') {
                    break;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        return v;
    }

    /** Merges RFC 2231 pieces ({@code name*}, {@code name*0*}, {@code name*1}) into plain names. */
    private static Map<String, String> resolve(Map<String, String> raw) {
        Map<String, String> plain = new HashMap<>();
        Map<String, TreeMap<Integer, String[]>> extended = new HashMap<>();
        raw.forEach((name, value) -> {
            int star = name.indexOf('*');
            if (star < 0) {
                plain.put(name, value);
                return;
            }
            String base = name.substring(0, star);
            String rest = name.substring(star + 1);
            boolean encoded = rest.endsWith("*") || rest.isEmpty();
            String digits = rest.endsWith("*") ? rest.substring(0, rest.length() - 1) : rest;
            int index = 0;
            if (!digits.isEmpty()) {
                try {
                    index = Integer.parseInt(digits);
                } catch (NumberFormatException e) {
                    return;
                }
            }
            extended.computeIfAbsent(base, k -> new TreeMap<>()).put(index, new String[] {value, encoded ? "*" : ""});
        });
        Map<String, String> result = new HashMap<>(plain);
        extended.forEach((name, pieces) -> result.put(name, join(pieces)));
        return Map.copyOf(result);
    }

    private static String join(TreeMap<Integer, String[]> pieces) {
        String charset = null;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean first = true;
        for (String[] piece : pieces.values()) {
            String value = piece[0];
            boolean encoded = !piece[1].isEmpty();
            if (first && encoded) {
                int q1 = value.indexOf('\'');
                int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
                if (q2 > q1) {
                    charset = value.substring(0, q1);
                    value = value.substring(q2 + 1);
                }
            }
            first = false;
            if (encoded) {
                percentDecode(value, bytes);
            } else {
                bytes.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return charset == null || charset.isEmpty()
                ? Charsets.guess(bytes.toByteArray())
                : Charsets.decode(bytes.toByteArray(), charset);
    }

    private static void percentDecode(String s, ByteArrayOutputStream out) {
        int literalStart = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.writeBytes(s.substring(literalStart, i).getBytes(StandardCharsets.UTF_8));
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
                literalStart = i + 1;
            }
        }
        out.writeBytes(s.substring(literalStart).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
