package dev.omnibridge.connector.email.smtp;

import dev.omnibridge.connector.email.EmailSettings;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
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
    private final ProducerTemplate template;
    private final String endpointUri;
    private final String server;

    public MailSender(ConnectorContext context, EmailSettings.Server smtp) {
        MailConfiguration config = new MailConfiguration();
        config.configureProtocol(smtp.security() == EmailSettings.Security.SSL ? "smtps" : "smtp");
        config.setIgnoreUriScheme(true);
        config.setHost(smtp.host());
        config.setPort(smtp.port());
        config.setUsername(smtp.username());
        config.setPassword(smtp.password());
        config.setConnectionTimeout(30_000);
        config.setAdditionalJavaMailProperties(properties(config.getProtocol(), smtp.security()));
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
        Exchange result = template.send(endpointUri, exchange -> exchange.getIn().setBody(message));
        Exception failure = result.getException();
        if (failure != null) {
            throw classify(failure);
        }
    }

    DeliveryException classify(Exception failure) {
        String detail = Redact.text(describe(failure));
        Integer code = smtpCode(failure);
        if (failure instanceof AuthenticationFailedException || failure.getCause() instanceof AuthenticationFailedException) {
            return DeliveryException.retryable("SMTP login to " + server + " failed: " + detail, null);
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

    @Override
    public void close() throws Exception {
        template.stop();
    }
}
