package dev.omnibridge.connector.email.mime;

import jakarta.mail.Part;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a mail was written by a robot. Answering a robot (or opening a ticket for it) is how help desks
 * start mail loops with out-of-office replies and bounce storms.
 *
 * <p>Headers come first because they are explicit (RFC 3834 and long-standing practice). X-Auto-Response-Suppress
 * is deliberately ignored: senders set it to ask <em>others</em> not to auto-reply, so a real customer's Outlook
 * mail carries it. Subject wording only counts together with Exchange's inbox-rule headers, because customers do
 * write subjects like "Auto: renewal failed".
 *
 * <p>Out-of-office replies from servers that set none of those headers are recognised by their subject alone, but
 * only by the fixed forms auto-responders write: the phrase as the whole subject, or followed by a colon, at the very
 * start ("Out of Office: ...", "Abwesenheitsnotiz", "Réponse automatique : ...", "不在のお知らせ"). A customer's
 * "I was absent when the parcel came", "Absence of invoice" or "不在票が届きました" (a missed-delivery slip) is
 * not matched.
 *
 * <p>Responders that also keep the original subject are recognised by the fixed opening of their text, under the
 * stricter conditions of {@link OutOfOfficeText}.
 *
 * <p>Mailing-list mail is recognised by the list headers of RFC 2919 (List-Id) and RFC 2369 (List-Unsubscribe,
 * List-Post), which list servers add and a person's mail client never does; many lists send no Precedence header.
 * List-Help, List-Subscribe, List-Owner and List-Archive are not checked: list servers send them only together with
 * the three above. It is a kind of its own because an instance may choose to accept list mail.
 */
final class NoiseClassifier {

    private static final Set<String> ROBOT_PRECEDENCE = Set.of("bulk", "junk", "list", "auto_reply");
    private static final Set<String> ROBOT_SENDERS = Set.of("mailer-daemon", "postmaster");
    private static final Pattern AUTO_SUBJECT = Pattern.compile(
            "^(Automatic reply|Auto(matische)? ?(reply|antwort)|Autosvar|Autoreply|Auto|Out of (the )?office|"
                    + "Abwesenheitsnotiz|Réponse automatique|Respuesta automática|Risposta automatica)\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /** Phrases auto-responders put first in the subject, in the languages the hub's customers write. */
    private static final String OUT_OF_OFFICE_PHRASES = "out of (?:the )?office|automatic reply|auto[- ]?reply"
            + "|abwesenheitsnotiz|automatische antwort"              // German
            + "|réponse automatique|absence du bureau|absence"      // French
            + "|afwezig|automatisch antwoord"                        // Dutch
            + "|fuera de la oficina|respuesta automática"            // Spanish
            + "|risposta automatica|autosvar"                        // Italian, Scandinavian
            + "|不在(?:通知|のお知らせ|のご連絡)?|自動応答|自動返信";     // Japanese
    private static final Pattern OUT_OF_OFFICE_SUBJECT = Pattern.compile(
            // optionally bracketed phrase, then a colon (also full-width) or the end of the subject
            "[\\[【(]?(?:" + OUT_OF_OFFICE_PHRASES + ")[\\]】)]?\\s*(?:[:：]|$)"
                    // Japanese forms without a colon; no word boundaries, so only these exact prefixes
                    + "|【不在】|不在(?:通知|のお知らせ|のご連絡)",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private NoiseClassifier() {
    }

    /** @param text the complete text body, for out-of-office replies known only by their wording */
    static Noise classify(Part message, HeaderParams contentType, String senderAddress, String subject,
                          String text) {
        if (contentType.value().equals("multipart/report")) {
            String reportType = contentType.param("report-type");
            if ("delivery-status".equalsIgnoreCase(reportType)) {
                return Noise.bounce("delivery status notification");
            }
            if ("disposition-notification".equalsIgnoreCase(reportType)) {
                return Noise.autoReply("read receipt (message disposition notification)");
            }
        }
        if (senderAddress != null) {
            int at = senderAddress.indexOf('@');
            String local = (at >= 0 ? senderAddress.substring(0, at) : senderAddress).toLowerCase(Locale.ROOT);
            if (ROBOT_SENDERS.contains(local)) {
                return Noise.bounce("sent by " + local);
            }
        }
        Noise byHeaders = autoReplyHeaders(message);
        if (byHeaders.isNoise()) {
            return byHeaders;
        }
        Noise list = mailingList(message);
        if (list.isNoise()) {
            return list;
        }
        Noise byPrecedence = precedence(message);
        if (byPrecedence.isNoise()) {
            return byPrecedence;
        }
        if (subject != null && AUTO_SUBJECT.matcher(subject.strip()).matches()
                && (HeaderText.present(message, MailHeaders.X_MS_INBOX_RULES_LOOP)
                || HeaderText.present(message, MailHeaders.X_MS_GENERATED_MESSAGE_SOURCE))) {
            return Noise.autoReply("auto-reply subject from an Exchange inbox rule");
        }
        if (subject != null && OUT_OF_OFFICE_SUBJECT.matcher(subject.strip()).lookingAt()) {
            // The reason never quotes the subject: it is the sender's text and ends up in logs.
            return Noise.autoReply("out-of-office subject");
        }
        if (OutOfOfficeText.matches(text)) {
            // Like the subject, the text is the sender's and never goes into the reason.
            return Noise.autoReply("out-of-office text");
        }
        String returnPath = HeaderText.raw(message, MailHeaders.RETURN_PATH);
        if (returnPath != null && returnPath.replaceAll("\\s", "").equals("<>")) {
            // Checked after the auto-reply headers: RFC 3834 asks auto-responders to use a null sender too.
            return Noise.bounce("null Return-Path (<>)");
        }
        return Noise.NONE;
    }

    private static Noise autoReplyHeaders(Part message) {
        String autoSubmitted = HeaderText.raw(message, MailHeaders.AUTO_SUBMITTED);
        if (autoSubmitted != null) {
            String value = HeaderParams.parse(autoSubmitted).value();
            if (!value.equals("no")) {
                return Noise.autoReply(MailHeaders.AUTO_SUBMITTED + ": " + shorten(value));
            }
        }
        for (String header : new String[] {MailHeaders.X_AUTOREPLY, MailHeaders.X_AUTORESPOND,
                MailHeaders.X_AUTOGENERATED}) {
            String value = HeaderText.raw(message, header);
            if (value != null) {
                return Noise.autoReply(header + (value.isBlank() ? "" : ": " + shorten(value.strip())));
            }
        }
        return Noise.NONE;
    }

    /**
     * Checked after the auto-reply headers (a member's out-of-office reply redistributed by the list stays an
     * auto-reply) and before Precedence, which list servers often add as "list" or "bulk" to their list mail.
     */
    private static Noise mailingList(Part message) {
        String listId = HeaderText.raw(message, MailHeaders.LIST_ID);
        if (listId != null) {
            // The id is the list's dot-atom name, not a person's address; the display phrase is left out.
            int open = listId.lastIndexOf('<');
            int close = listId.lastIndexOf('>');
            String id = open >= 0 && close > open ? listId.substring(open + 1, close) : listId;
            return Noise.mailingList("mailing list (" + MailHeaders.LIST_ID + ": " + shorten(id.strip()) + ")");
        }
        // These values are URLs that often carry a subscriber's address or token: name the header only.
        for (String header : new String[] {MailHeaders.LIST_UNSUBSCRIBE, MailHeaders.LIST_POST}) {
            if (HeaderText.present(message, header)) {
                return Noise.mailingList("mailing list (" + header + ")");
            }
        }
        return Noise.NONE;
    }

    private static Noise precedence(Part message) {
        String precedence = HeaderText.raw(message, MailHeaders.PRECEDENCE);
        if (precedence != null) {
            String value = HeaderParams.parse(precedence).value();
            if (ROBOT_PRECEDENCE.contains(value)) {
                return Noise.autoReply(MailHeaders.PRECEDENCE + ": " + value);
            }
        }
        return Noise.NONE;
    }

    /** Reasons end up in audit logs; a header value is the sender's text, so keep only a short prefix. */
    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
