package dev.omnibridge.connector.email.smtp;

import dev.omnibridge.connector.email.EmailSettings;
import dev.omnibridge.connector.email.auth.MailLogin;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mail.MailAuthenticator;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;

import java.io.IOException;
import java.util.Properties;

/**
 * Sends finished MIME messages through Camel's mail component. The component instance is handed to the hub's
 * Camel context (scheme discovery cannot see into a plugin) and carries the credentials itself, so the endpoint
 * URI, which Camel may log, never holds a password.
 */
public final class MailSender implements AutoCloseable {
    static final String REFUSED_TOKEN_HINT = "check that smtpUsername is the mailbox address and that the app may "
            + "send as it (Microsoft 365: SMTP AUTH enabled for the mailbox, SMTP.SendAsApp, Exchange service "
            + "principal with mailbox permission; Google: domain-wide delegation for https://mail.google.com/)";

    private final ConnectorContext context;
    private final MailLogin login;
    private final ProducerTemplate template;
    private final String endpointUri;
    private final String server;
    /** The access token last handed to Jakarta Mail, to drop it if the server refuses it. */
    private volatile String lastToken;

    public MailSender(ConnectorContext context, EmailSettings.Server smtp, MailLogin login) {
        this.context = context;
        this.login = login;
        MailConfiguration config = new MailConfiguration();
        config.configureProtocol(smtp.security() == EmailSettings.Security.SSL ? "smtps" : "smtp");
        config.setIgnoreUriScheme(true);
        config.setHost(smtp.host());
        config.setPort(smtp.port());
        config.setUsername(login.username());
        if (login.usesOAuth()) {
            // Camel asks the authenticator at every connection, so each mail goes out with a current token.
            config.setAuthenticator(new TokenAuthenticator());
        } else {
            config.setPassword(smtp.password());
        }
        config.setConnectionTimeout(30_000);
        Properties properties = properties(config.getProtocol(), smtp.security());
        if (login.usesOAuth()) {
            properties.setProperty("mail." + config.getProtocol() + ".auth", "true");
            properties.setProperty("mail." + config.getProtocol() + ".auth.mechanisms", "XOAUTH2");
        }
        config.setAdditionalJavaMailProperties(properties);
        MailComponent component = new MailComponent();
        component.setConfiguration(config);
        String scheme = "omnibridge-smtp-" + context.instanceId();
        context.addComponent(scheme, component);
        this.endpointUri = scheme + "://" + smtp.host() + ":" + smtp.port();
        this.template = context.camel().createProducerTemplate();
        this.server = smtp.toString();
    }

    private static Properties properties(String protocol, EmailSettings.Security security) {
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        p.setProperty(prefix + "timeout", "60000");
        p.setProperty(prefix + "writetimeout", "60000");
        if (security == EmailSettings.Security.STARTTLS) {
            p.setProperty(prefix + "starttls.enable", "true");
            p.setProperty(prefix + "starttls.required", "true");
        }
        if (security != EmailSettings.Security.NONE) {
            p.setProperty(prefix + "ssl.checkserveridentity", "true");
        }
        return p;
    }

    /**
     * Sends the message as it is (its Message-ID is kept).
     *
     * @throws DeliveryException permanent when the server refuses the recipient or the message for good (5xx),
     *                           retryable for 4xx answers and connection problems
     */
    public void send(MimeMessage message) {
        Exception failure = attempt(message);
        if (failure != null && login.usesOAuth() && isLoginRefused(failure) && tokenFailure(failure) == null
                && login.refused(lastToken)) {
            // The token may have been revoked before its time: one more try with a new one. Nothing was sent yet.
            failure = attempt(message);
        }
        if (failure != null) {
            throw classify(failure);
        }
    }

    private Exception attempt(MimeMessage message) {
        try {
            return template.send(endpointUri, exchange -> exchange.getIn().setBody(message)).getException();
        } catch (RuntimeException e) {
            return e;   // e.g. the token endpoint failing while Camel sets the endpoint up
        }
    }

    private static boolean isLoginRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof AuthenticationFailedException) {
                return true;
            }
        }
        return false;
    }

    private static TokenUnavailable tokenFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof TokenUnavailable u) {
                return u;
            }
        }
        return null;
    }

    DeliveryException classify(Exception failure) {
        TokenUnavailable noToken = tokenFailure(failure);
        if (noToken != null) {
            String message = "SMTP login to " + server + ": " + noToken.getMessage();
            context.reportProblem(message);
            return DeliveryException.retryable(message, null);
        }
        String detail = Redact.text(describe(failure));
        Integer code = smtpCode(failure);
        if (isLoginRefused(failure)) {
            String message = "SMTP login to " + server + " failed: " + detail
                    + (login.usesOAuth() ? "; the server refused the OAuth access token; " + REFUSED_TOKEN_HINT : "");
            if (login.usesOAuth()) {
                context.reportProblem(message);
            }
            return DeliveryException.retryable(message, null);
        }
        if (code != null && code >= 500) {
            return DeliveryException.permanent("SMTP server " + server + " refused the mail: " + detail);
        }
        if (failure instanceof SendFailedException sendFailed && code == null
                && sendFailed.getInvalidAddresses() != null && sendFailed.getInvalidAddresses().length > 0) {
            return DeliveryException.permanent("the recipient address is invalid: " + detail);
        }
        return DeliveryException.retryable("sending through " + server + " failed: " + detail, null);
    }

    /** The SMTP reply code, from Angus' SMTP exceptions, which this plugin only knows by their accessor. */
    private static Integer smtpCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            try {
                Object code = t.getClass().getMethod("getReturnCode").invoke(t);
                if (code instanceof Integer i && i > 0) {
                    return i;
                }
            } catch (ReflectiveOperationException notAnSmtpException) {
                // keep looking down the chain
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String describe(Throwable failure) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = failure; t != null && s.length() < 500; t = next(t)) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && s.indexOf(m.strip()) < 0) {
                s.append(s.length() == 0 ? "" : "; ").append(m.strip());
            } else if (m == null && t instanceof IOException) {
                s.append(s.length() == 0 ? "" : "; ").append(t.getClass().getSimpleName());
            }
        }
        return s.length() == 0 ? failure.getClass().getSimpleName() : s.toString();
    }

    /** Hands Jakarta Mail the mailbox and a current access token; Camel calls it for each connection. */
    private final class TokenAuthenticator extends MailAuthenticator {
        @Override
        public PasswordAuthentication getPasswordAuthentication() {
            try {
                String token = login.secret();
                lastToken = token;
                return new PasswordAuthentication(login.username(), token);
            } catch (MessagingException e) {
                throw new TokenUnavailable(e.getMessage());
            }
        }
    }

    /** No access token to log in with; the message says why (never a secret). */
    private static final class TokenUnavailable extends RuntimeException {
        TokenUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void close() throws Exception {
        template.stop();
    }
}
