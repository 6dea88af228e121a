package dev.omnibridge.connector.email.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Removes quoted history from mail HTML using the markers clients put there. Structure is far more reliable than
 * text patterns, so for HTML this runs first and the text rules only mop up.
 */
final class HtmlQuotes {

    /** Quote containers: Gmail, Apple Mail and Thunderbird ({@code type=cite}), Yahoo, Outlook's "x_" rewrites. */
    private static final String QUOTE_CONTAINERS = "div.gmail_quote, div.gmail_quote_container, blockquote.gmail_quote, div.x_gmail_quote, "
            + "blockquote[type=cite], div.yahoo_quoted, div.moz-cite-prefix";
    /** Outlook marks where the reply header starts; everything after it is the previous mail. */
    private static final String CUT_MARKERS = "#appendonsend, #divRplyFwdMsg, #x_appendonsend, #x_divRplyFwdMsg";
    /** Desktop Outlook has no ids, only a top-bordered div whose first line is "From:" in the user's language. */
    private static final Pattern OUTLOOK_BORDER = Pattern.compile("(?i)border-top\\s*:\\s*solid\\s+#(e1e1e1|b5c4df)");
    private static final Pattern HEADER_START = Pattern.compile("^\\s*(From|Von|De|Van|Da|Från|Fra|Od)\\s*:.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private HtmlQuotes() {
    }

    /** Removes quoted history in place; returns true when something was removed. */
    static boolean strip(Document doc) {
        boolean changed = false;
        Element cut = doc.selectFirst(CUT_MARKERS);
        if (cut == null) {
            cut = outlookDesktopHeader(doc);
        }
        if (cut != null) {
            removeFrom(cut);
            changed = true;
        }
        for (Element quote : doc.select(QUOTE_CONTAINERS)) {
            if (quote.parent() == null) {
                continue; // already removed with an enclosing quote
            }
            removeAttribution(quote);
            quote.remove();
            changed = true;
        }
        return changed;
    }

    private static Element outlookDesktopHeader(Document doc) {
        for (Element div : doc.select("div[style]")) {
            if (OUTLOOK_BORDER.matcher(div.attr("style")).find() && HEADER_START.matcher(div.text()).matches()) {
                return div;
            }
        }
        return null;
    }

    /** Removes the element and everything after it in document order. */
    private static void removeFrom(Element start) {
        List<Node> doomed = new ArrayList<>();
        Node node = start;
        while (node != null && !(node instanceof Document) && !"body".equals(node.nodeName())) {
            for (Node sibling = node.nextSibling(); sibling != null; sibling = sibling.nextSibling()) {
                doomed.add(sibling);
            }
            node = node.parent();
        }
        doomed.forEach(Node::remove);
        start.remove();
    }

    /** Apple Mail puts "On …, Jane wrote:" in a sibling just before the blockquote. */
    private static void removeAttribution(Element quote) {
        Node previous = quote.previousSibling();
        while (previous != null && isBlank(previous)) {
            Node before = previous.previousSibling();
            previous.remove();
            previous = before;
        }
        if (previous == null) {
            return;
        }
        String text = previous instanceof Element el ? el.text() : previous instanceof TextNode t ? t.text() : "";
        if (TextQuotes.isAttribution(text.trim())) {
            previous.remove();
        }
    }

    private static boolean isBlank(Node node) {
        if (node instanceof TextNode t) {
            return t.isBlank();
        }
        return node instanceof Element el && el.normalName().toLowerCase(Locale.ROOT).equals("br");
    }
}
