package dev.omnibridge.connector.email.mime;

/**
 * Undoes RFC 3676 format=flowed soft line breaks (Apple Mail, Thunderbird), so that paragraphs reach the help desk
 * as paragraphs instead of lines hard-wrapped at 72 characters.
 */
final class FlowedText {

    private FlowedText() {
    }

    static String unflow(String text, boolean delSp) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        StringBuilder paragraph = null;
        int paragraphDepth = 0;
        for (String line : lines) {
            int depth = 0;
            while (depth < line.length() && line.charAt(depth) == '>') {
                depth++;
            }
            String content = line.substring(depth);
            if (content.startsWith(" ")) {
                content = content.substring(1); // space-stuffing
            }
            boolean signature = content.equals("-- ");
            boolean flowed = !signature && content.endsWith(" ");
            if (paragraph != null && depth != paragraphDepth) {
                emit(out, paragraph, paragraphDepth); // quote depth changed: the sender's flow was broken
                paragraph = null;
            }
            if (paragraph == null) {
                paragraph = new StringBuilder();
                paragraphDepth = depth;
            }
            paragraph.append(flowed && delSp ? content.substring(0, content.length() - 1) : content);
            if (!flowed) {
                emit(out, paragraph, depth);
                paragraph = null;
            }
        }
        if (paragraph != null) {
            emit(out, paragraph, paragraphDepth);
        }
        if (out.length() > 0) {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    private static void emit(StringBuilder out, CharSequence line, int depth) {
        if (depth > 0) {
            out.append(">".repeat(depth)).append(' ');
        }
        out.append(line).append('\n');
    }
}
