package dev.omnibridge.connector.email.mime;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds where the customer's new text ends in a plain-text reply. Ticket threads already hold the history, so
 * repeating it in every message buries what the customer just said; the complete text stays in {@code fullText}.
 *
 * <p>The rules are deliberately narrow (a line has to look like a client's reply header, not merely mention
 * "wrote"), because cutting real content is worse than leaving some history in.
 */
final class TextQuotes {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    /** "On Mon, 3 Mar 2025 at 10:00, Jane <jane@x> wrote:" and its translations. */
    private static final List<Pattern> ATTRIBUTIONS = List.of(
            Pattern.compile("^On\\b.{4,250}\\bwrote\\s?:$", FLAGS),
            Pattern.compile("^Am\\b.{4,250}\\bschrieb\\b.{0,120}:$", FLAGS),
            Pattern.compile("^Le\\b.{4,250}\\ba écrit\\s?:$", FLAGS),
            Pattern.compile("^El\\b.{4,250}\\bescribió\\s?:$", FLAGS),
            Pattern.compile("^Op\\b.{4,250}\\bschreef\\b.{0,120}:$", FLAGS),
            Pattern.compile("^(Il|In data)\\b.{4,250}\\bha scritto\\s?:$", FLAGS),
            Pattern.compile("^Em\\b.{4,250}\\bescreveu\\s?:$", FLAGS));
    private static final Pattern ATTRIBUTION_START = Pattern.compile("^(On|Am|Le|El|Op|Il|In data|Em)\\b.*", FLAGS);

    private static final Pattern ORIGINAL_MESSAGE = Pattern.compile("^-{2,}\\s*(Original Message|Ursprüngliche "
            + "Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Originalmeddelande"
            + "|Mensagem original)\\s*-{2,}$", FLAGS);
    private static final Pattern SEPARATOR = Pattern.compile("^_{10,}$");
    private static final Pattern HEADER_FROM = Pattern.compile(
            "^\\*?(From|Von|De|Van|Da|Från|Fra|Od)\\s*:\\*?\\s*\\S.*", FLAGS);
    private static final Pattern HEADER_SENT = Pattern.compile(
            "^\\*?(Sent|Gesendet|Envoyé|Date|Datum|Enviado|Verzonden|Inviato|Skickat|Sendt|Data|Wysłano)\\s*:.*", FLAGS);

    private static final List<Pattern> MOBILE_FOOTERS = List.of(
            Pattern.compile("^Sent from my \\S.{0,40}$", FLAGS),
            Pattern.compile("^Sent from (Mail|Outlook|Yahoo Mail|Gmail|Proton Mail)\\b.{0,40}$", FLAGS),
            Pattern.compile("^Sent with Proton Mail\\b.{0,40}$", FLAGS),
            Pattern.compile("^Get Outlook for (iOS|Android|Mac|Windows)\\b.{0,80}$", FLAGS),
            Pattern.compile("^Von meinem \\S.{0,40} gesendet\\.?$", FLAGS),
            Pattern.compile("^Envoyé de mon \\S.{0,40}$", FLAGS),
            Pattern.compile("^Enviado desde mi \\S.{0,40}$", FLAGS),
            Pattern.compile("^Verzonden (vanaf|met) mijn \\S.{0,40}$", FLAGS),
            Pattern.compile("^Inviato da(l mio)? \\S.{0,40}$", FLAGS));

    private TextQuotes() {
    }

    /** True for a reply attribution line such as "On …, Jane wrote:". */
    static boolean isAttribution(String line) {
        String s = line.strip();
        return ATTRIBUTIONS.stream().anyMatch(p -> p.matcher(s).matches());
    }

    /** The new text of a reply; falls back to the whole text rather than ever returning nothing. */
    static String strip(String fullText) {
        String[] lines = fullText.replace("\r\n", "\n").split("\n", -1);
        int end = quoteStart(lines);
        end = signatureStart(lines, end);
        end = withoutTrailingFooters(lines, end);
        String text = String.join("\n", Arrays.asList(lines).subList(0, end)).strip();
        return text.isEmpty() ? fullText.strip() : text;
    }

    private static int quoteStart(String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (isAttribution(line) || ORIGINAL_MESSAGE.matcher(line).matches()) {
                return i;
            }
            if (i + 1 < lines.length && ATTRIBUTION_START.matcher(line).matches()
                    && isAttribution(line + " " + lines[i + 1].strip())) {
                return i; // Gmail wraps long attributions over two lines
            }
            if (SEPARATOR.matcher(line).matches() && nextNonBlankMatches(lines, i + 1, HEADER_FROM)) {
                return i;
            }
            if (HEADER_FROM.matcher(line).matches() && headerBlockFollows(lines, i + 1)) {
                return i;
            }
        }
        return trailingQuoteStart(lines);
    }

    /** A block of "&gt;" lines that runs to the end is history even without an attribution line. */
    private static int trailingQuoteStart(String[] lines) {
        int end = lines.length;
        while (end > 0 && lines[end - 1].isBlank()) {
            end--;
        }
        int start = end;
        while (start > 0 && (lines[start - 1].startsWith(">") || lines[start - 1].isBlank())) {
            start--;
        }
        while (start < end && lines[start].isBlank()) {
            start++;
        }
        return start < end ? start : lines.length;
    }

    private static boolean nextNonBlankMatches(String[] lines, int from, Pattern pattern) {
        for (int i = from; i < lines.length && i < from + 3; i++) {
            if (!lines[i].isBlank()) {
                return pattern.matcher(lines[i].strip()).matches();
            }
        }
        return false;
    }

    private static boolean headerBlockFollows(String[] lines, int from) {
        for (int i = from; i < lines.length && i < from + 4; i++) {
            if (HEADER_SENT.matcher(lines[i].strip()).matches()) {
                return true;
            }
        }
        return false;
    }

    /** RFC 3676 signature delimiter "-- " (many clients trim the space). */
    private static int signatureStart(String[] lines, int end) {
        for (int i = 0; i < end; i++) {
            if (lines[i].equals("-- ") || lines[i].equals("--")) {
                return i;
            }
        }
        return end;
    }

    private static int withoutTrailingFooters(String[] lines, int end) {
        int i = end;
        while (i > 0) {
            String line = lines[i - 1].strip();
            if (line.isEmpty() || MOBILE_FOOTERS.stream().anyMatch(p -> p.matcher(line).matches())) {
                i--;
            } else {
                break;
            }
        }
        return i;
    }
}
