package dev.omnibridge.connector.salesforce;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The text of an agent's EmailMessage as the customer should get it on their channel: TextBody when Salesforce stored
 * one (the case Send Email action can store both), else HtmlBody as plain text (HTML is required on that action, the
 * text body is optional). What a chat customer can't use is taken out: the quoted earlier mail under the answer and
 * Email-to-Case threading tokens. Quotes are only cut where they are unambiguous (an "Original Message" separator
 * line, a trailing "On ... wrote:" block of "&gt;" lines, HTML blockquotes); anything else is sent as written, and if
 * cutting would leave nothing the whole text is kept, so an answer is never lost to a guess.
 */
final class EmailReplyText {
    /** Outlook's and Salesforce's reply separator, e.g. {@code --------------- Original Message ---------------}. */
    private static final Pattern ORIGINAL_MESSAGE =
            Pattern.compile("(?im)^[ \\t>]*-{2,}[ \\t]*Original Message[ \\t]*-{2,}[ \\t]*$");
    /** The attribution line most mail programs put above a quote ({@code On Mon, 23 Nov 2026, Ann wrote:}). */
    private static final Pattern ATTRIBUTION = Pattern.compile("(?i)^[ \\t]*On\\b.{1,300}\\bwrote:[ \\t]*$");
    /**
     * Email-to-Case threading tokens: Lightning threading's {@code thread::<token>::} (Apex
     * EmailMessages.getFormattedThreadingToken) and the older {@code ref:_00D..._500...:ref} / {@code ref:!...:ref}.
     */
    private static final Pattern THREAD_TOKENS =
            Pattern.compile("[ \\t]*(?:thread::[A-Za-z0-9_-]{6,}::|ref:[_!][A-Za-z0-9_.!]{6,}:ref)");

    private static final Set<String> SKIPPED = Set.of("head", "title", "script", "style", "template", "noscript");
    /** Blocks that stand apart with an empty line, and blocks that only start a new line. */
    private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
            "table", "pre", "hr", "blockquote");
    private static final Set<String> LINES = Set.of("div", "li", "tr", "section", "article", "header",
            "footer");

    private EmailReplyText() {
    }

    /** The answer's text; empty only when both bodies are empty. */
    static String of(String textBody, String htmlBody) {
        String text = textBody != null && !textBody.isBlank() ? textBody.replace("\r\n", "\n").replace('\r', '\n')
                : htmlBody != null && !htmlBody.isBlank() ? htmlToText(htmlBody) : "";
        text = THREAD_TOKENS.matcher(text).replaceAll("");
        String answer = withoutQuote(text).strip();
        return answer.isEmpty() ? text.strip() : answer;
    }

    /** The text above the quoted earlier mail, or the text itself when no quote is recognised. */
    static String withoutQuote(String text) {
        var separator = ORIGINAL_MESSAGE.matcher(text);
        if (separator.find()) {
            text = text.substring(0, separator.start());
        }
        List<String> lines = text.lines().toList();
        int end = lines.size();
        while (end > 0 && (lines.get(end - 1).isBlank() || lines.get(end - 1).stripLeading().startsWith(">"))) {
            end--;
        }
        boolean quoted = end < lines.size() && lines.subList(end, lines.size()).stream().anyMatch(l -> !l.isBlank());
        if (quoted && end > 0 && ATTRIBUTION.matcher(lines.get(end - 1)).matches()) {
            end--;
        }
        return quoted ? String.join("\n", lines.subList(0, end)) : text;
    }

    /** Plain text with line breaks where the HTML had blocks; blockquotes (quoted mail) are left out. */
    static String htmlToText(String html) {
        Document doc = Jsoup.parse(html);
        StringBuilder out = new StringBuilder();
        Element body = doc.body();
        walk(body, out, true);
        String withoutQuotes = tidy(out);
        if (!withoutQuotes.isBlank()) {
            return withoutQuotes;
        }
        out.setLength(0);
        walk(body, out, false);
        return tidy(out);
    }

    private static void walk(Node node, StringBuilder out, boolean skipQuotes) {
        if (node instanceof TextNode t) {
            out.append(t.text());
            return;
        }
        if (!(node instanceof Element e)) {
            return;
        }
        String tag = e.normalName();
        if (SKIPPED.contains(tag) || (skipQuotes && tag.equals("blockquote"))) {
            return;
        }
        if (tag.equals("br")) {
            out.append('\n');
            return;
        }
        boolean paragraph = PARAGRAPHS.contains(tag);
        boolean line = LINES.contains(tag);
        if (paragraph || line) {
            breakLine(out, paragraph);
        }
        for (Node child : e.childNodes()) {
            walk(child, out, skipQuotes);
        }
        if (paragraph || line) {
            breakLine(out, paragraph);
        }
    }

    private static void breakLine(StringBuilder out, boolean emptyLine) {
        int wanted = emptyLine ? 2 : 1;
        int have = 0;
        for (int i = out.length() - 1; i >= 0 && out.charAt(i) == '\n' && have < wanted; i--) {
            have++;
        }
        out.append("\n".repeat(wanted - have));
    }

    /** Trims each line and keeps at most one empty line between paragraphs. */
    private static String tidy(StringBuilder raw) {
        String text = raw.toString().replace('\u00a0', ' ').lines().map(String::strip)
                .reduce((a, b) -> a + "\n" + b).orElse("");
        return text.replaceAll("\n{3,}", "\n\n").strip();
    }
}
