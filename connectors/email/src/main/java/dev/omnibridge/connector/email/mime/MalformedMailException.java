package dev.omnibridge.connector.email.mime;

/**
 * The MIME structure of a mail cannot be read, so there is no trustworthy content to hand on.
 *
 * <p>The message only names the problem (and the part, numbered like IMAP sections) and never quotes the mail:
 * these messages end up in logs and dead-letter reasons, and mail content is personal data. For the same reason the
 * Jakarta Mail cause, whose message often contains header text, is not attached.
 */
public final class MalformedMailException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedMailException(String problem) {
        super(problem);
    }
}
