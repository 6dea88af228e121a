package dev.omnibridge.systemtest.support;

import com.icegreen.greenmail.base.GreenMailOperations;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A mail GreenMail delivered into a mailbox, read with Jakarta Mail (independently of the hub's parsing). */
public record ReceivedMail(MimeMessage message) {

    /** One leaf of the MIME tree: its content type (lower case, without parameters) and decoded text. */
    public record Leaf(String type, String content) {
    }

    /** The mails {@code server} received for {@code recipient} with {@code text} anywhere in their text. */
    public static List<ReceivedMail> to(GreenMailOperations server, String recipient, String text) {
        return Arrays.stream(server.getReceivedMessages()).map(ReceivedMail::new)
                .filter(m -> m.to().contains(recipient)).filter(m -> m.allText().contains(text)).toList();
    }

    /**
     * Waits up to {@code wait} for the first such mail, then 2 s more for any copy, so a test can assert it came once.
     */
    public static List<ReceivedMail> reaching(GreenMailOperations server, String recipient, String text,
                                              Duration wait) {
        Poll.until(wait, "a mail to " + recipient + " with the answer", () -> !to(server, recipient, text).isEmpty());
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return to(server, recipient, text);
    }

    public String header(String name) {
        try {
            String value = message.getHeader(name, ", ");
            return value == null ? null : value.trim();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String messageId() {
        return header("Message-ID");
    }

    public String subject() {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public InternetAddress from() {
        try {
            return (InternetAddress) message.getFrom()[0];
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> to() {
        try {
            return java.util.Arrays.stream(message.getAllRecipients())
                    .map(a -> ((InternetAddress) a).getAddress()).toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The top-level content type, lower case, without parameters. */
    public String contentType() {
        return baseType(message);
    }

    /** The parts directly under the top-level multipart (empty when the message is not multipart). */
    public List<Leaf> topLevelParts() {
        try {
            Object content = message.getContent();
            List<Leaf> leaves = new ArrayList<>();
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    Object partContent = part.getContent();
                    leaves.add(new Leaf(baseType(part), partContent instanceof String s ? s : String.valueOf(partContent)));
                }
            }
            return leaves;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every text in the mail, whatever its MIME structure (a plain mail, alternative parts, nested parts). */
    public String allText() {
        return textOf(message);
    }

    /** A short description for failure messages. */
    public String summary() {
        return "[From=" + header("From") + ", Subject=" + subject() + ", Message-ID=" + messageId()
                + ", In-Reply-To=" + header("In-Reply-To") + ", References=" + header("References")
                + ", Content-Type=" + header("Content-Type") + "]";
    }

    private static String textOf(Part part) {
        try {
            Object content = part.getContent();
            if (content instanceof String text) {
                return text;
            }
            StringBuilder all = new StringBuilder();
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    all.append(textOf(multipart.getBodyPart(i))).append('\n');
                }
            }
            return all.toString();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String baseType(Part part) {
        try {
            String type = part.getContentType();
            int semicolon = type.indexOf(';');
            return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
