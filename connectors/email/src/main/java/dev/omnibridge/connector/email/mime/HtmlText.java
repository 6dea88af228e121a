package dev.omnibridge.connector.email.mime;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Plain text from mail HTML, for HTML-only mails and for desks that only take text. jsoup's {@code text()} puts a
 * whole mail on one line; agents need paragraphs, list items and link targets, and quoted history marked with "> "
 * so that the plain-text quote stripping recognises it.
 */
public final class HtmlText {

    private static final Set<String> SKIPPED = Set.of(
            "head", "title", "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
            "select", "button", "textarea", "input");
    private static final Set<String> PARAGRAPHS = Set.of(
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "blockquote", "hr");
    private static final Set<String> LINES = Set.of(
            "div", "br", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "address", "center",
            "form", "fieldset", "figure", "figcaption", "main", "nav", "aside", "caption");

    private HtmlText() {
    }

    /** Readable text of an HTML document or fragment. */
    public static String toText(String html) {
        return html == null ? "" : toText(Jsoup.parse(html).body());
    }

    /** Readable text of an element. */
    public static String toText(Element root) {
        Writer w = new Writer();
        walk(root, w);
        return w.finish();
    }

    /** The inner HTML of the body, for joining several HTML pieces into one document. */
    static String bodyOf(String html) {
        return Jsoup.parse(html).body().html();
    }

    /** Plain text as an HTML fragment that keeps its line breaks. */
    static String fromPlain(String plain) {
        return "<div>" + Entities.escape(plain).replace("\n", "<br>\n") + "</div>";
    }

    private static void walk(Node node, Writer w) {
        if (node instanceof TextNode text) {
            w.text(w.preDepth > 0 ? text.getWholeText() : text.text());
            return;
        }
        if (!(node instanceof Element el)) {
            return;
        }
        String tag = el.normalName();
        if (SKIPPED.contains(tag)) {
            return;
        }
        switch (tag) {
            case "br" -> w.newline();
            case "blockquote" -> quote(el, w);
            case "li" -> listItem(el, w);
            case "a" -> link(el, w);
            case "td", "th" -> {
                w.space();
                children(el, w);
                w.space();
            }
            case "pre" -> {
                w.blankLine();
                w.preDepth++;
                children(el, w);
                w.preDepth--;
                w.blankLine();
            }
            default -> block(el, tag, w);
        }
    }

    private static void block(Element el, String tag, Writer w) {
        boolean paragraph = PARAGRAPHS.contains(tag);
        boolean line = LINES.contains(tag);
        if (paragraph) {
            w.blankLine();
        } else if (line) {
            w.newline();
        }
        children(el, w);
        if (paragraph) {
            w.blankLine();
        } else if (line) {
            w.newline();
        }
    }

    private static void children(Element el, Writer w) {
        for (Node child : el.childNodes()) {
            walk(child, w);
        }
    }

    private static void quote(Element el, Writer w) {
        Writer innerWriter = new Writer();
        children(el, innerWriter);
        String inner = innerWriter.finish();
        w.blankLine();
        for (String line : inner.split("\n", -1)) {
            w.raw(line.isEmpty() ? ">" : "> " + line);
        }
        w.blankLine();
    }

    private static void listItem(Element el, Writer w) {
        w.newline();
        Element parent = el.parent();
        if (parent != null && parent.normalName().equals("ol")) {
            w.text((el.elementSiblingIndex() + 1) + ". ");
        } else {
            w.text("- ");
        }
        children(el, w);
        w.newline();
    }

    private static void link(Element el, Writer w) {
        children(el, w);
        String href = el.attr("href").trim();
        String label = el.text().trim();
        String shown = href.regionMatches(true, 0, "mailto:", 0, 7) ? href.substring(7) : href;
        boolean useful = href.regionMatches(true, 0, "http", 0, 4) || href.regionMatches(true, 0, "mailto:", 0, 7);
        if (useful && !label.isEmpty() && !label.equalsIgnoreCase(shown) && !label.equalsIgnoreCase(href)) {
            w.text(" (" + shown + ")");
        }
    }

    /** Collects text with collapsed whitespace and explicit line and paragraph breaks. */
    private static final class Writer {
        private final StringBuilder out = new StringBuilder();
        private boolean pendingSpace;
        private int preDepth;

        void text(String s) {
            if (preDepth > 0) {
                out.append(s.replace('\u00A0', ' '));
                return;
            }
            String collapsed = s.replace('\u00A0', ' ').replaceAll("\\s+", " ");
            if (collapsed.isEmpty()) {
                return;
            }
            if (collapsed.startsWith(" ")) {
                pendingSpace = true;
                collapsed = collapsed.substring(1);
            }
            if (collapsed.isEmpty()) {
                return;
            }
            if (pendingSpace && !atLineStart()) {
                out.append(' ');
            }
            pendingSpace = collapsed.endsWith(" ");
            out.append(pendingSpace ? collapsed.substring(0, collapsed.length() - 1) : collapsed);
        }

        void space() {
            pendingSpace = true;
        }

        void raw(String line) {
            newline();
            out.append(line).append('\n');
            pendingSpace = false;
        }

        void newline() {
            if (!atLineStart()) {
                out.append('\n');
            }
            pendingSpace = false;
        }

        void blankLine() {
            newline();
            if (out.length() > 0 && !(out.length() >= 2 && out.charAt(out.length() - 2) == '\n')) {
                out.append('\n');
            }
        }

        private boolean atLineStart() {
            return out.length() == 0 || out.charAt(out.length() - 1) == '\n';
        }

        String finish() {
            String s = out.toString().replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n");
            return s.strip();
        }
    }
}
