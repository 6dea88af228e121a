package dev.omnibridge.deskkit;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A help-center article's HTML body as the plain text the hub's knowledge base indexes and the bot quotes: block
 * elements and line breaks become line breaks, list items get a dash, scripts, styles and comments go, every other
 * tag is dropped, character references are decoded, runs of blank space are folded and empty lines dropped. Not a full HTML parser:
 * desk article bodies are sanitised HTML (Zendesk removes unsafe tags, Freshdesk keeps its editor's markup), which
 * this reads well enough for search and short answers.
 */
public final class HtmlText {
    private static final Pattern DROPPED = Pattern.compile(
            "(?is)<!--.*?-->|<(script|style|head|template)\\b[^>]*>.*?</\\1\\s*>");
    private static final Pattern LIST_ITEM = Pattern.compile("(?i)<li\\b[^>]*>");
    private static final Pattern BREAK = Pattern.compile(
            "(?i)<br\\s*/?>|</?(p|div|h[1-6]|ul|ol|li|tr|table|blockquote|pre|section|article|hr)\\b[^>]*>");
    private static final Pattern CELL = Pattern.compile("(?i)</t[dh]\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern REFERENCE = Pattern.compile("&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED = Map.ofEntries(Map.entry("amp", "&"), Map.entry("lt", "<"),
            Map.entry("gt", ">"), Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("nbsp", " "),
            Map.entry("ndash", "–"), Map.entry("mdash", "—"), Map.entry("hellip", "…"), Map.entry("rsquo", "’"),
            Map.entry("lsquo", "‘"), Map.entry("rdquo", "”"), Map.entry("ldquo", "“"), Map.entry("euro", "€"),
            Map.entry("copy", "©"), Map.entry("reg", "®"), Map.entry("trade", "™"), Map.entry("auml", "ä"),
            Map.entry("ouml", "ö"), Map.entry("uuml", "ü"), Map.entry("Auml", "Ä"), Map.entry("Ouml", "Ö"),
            Map.entry("Uuml", "Ü"), Map.entry("szlig", "ß"), Map.entry("eacute", "é"), Map.entry("egrave", "è"),
            Map.entry("agrave", "à"), Map.entry("ccedil", "ç"), Map.entry("ntilde", "ñ"), Map.entry("aacute", "á"),
            Map.entry("iacute", "í"), Map.entry("oacute", "ó"), Map.entry("uacute", "ú"), Map.entry("ecirc", "ê"));

    private HtmlText() {
    }

    /** The text of {@code html}; empty for null or blank input. */
    public static String plain(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        String s = DROPPED.matcher(html).replaceAll(" ");
        s = LIST_ITEM.matcher(s).replaceAll("\n- ");
        s = BREAK.matcher(s).replaceAll("\n");
        s = CELL.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll("");
        s = decode(s);
        StringBuilder out = new StringBuilder(s.length());
        for (String line : s.split("\n", -1)) {
            String folded = line.replaceAll("[ \\t\\x0B\\f\\r\\u00A0]+", " ").strip();
            if (!folded.isEmpty()) {
                out.append(out.length() > 0 ? "\n" : "").append(folded);
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String ref = m.group(1);
            String replacement;
            if (ref.startsWith("#")) {
                int code;
                try {
                    code = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X')
                            ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1));
                } catch (NumberFormatException e) {
                    code = -1;
                }
                replacement = Character.isValidCodePoint(code) && code != 0 ? Character.toString(code) : m.group();
            } else {
                replacement = NAMED.getOrDefault(ref, NAMED.getOrDefault(ref.toLowerCase(Locale.ROOT), m.group()));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
