package dev.omnibridge.connector.email;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What Jakarta Mail (Angus) says at FINE about how SMTP logged in: GreenMail accepts an access token both as a
 * password (AUTH PLAIN/LOGIN) and with AUTH XOAUTH2, so only the client's own account tells which one was used.
 * Angus leaves the authentication exchange itself out, so no token shows here.
 */
final class SaslMechanisms implements AutoCloseable {
    private static final List<String> LOGGERS = List.of("org.eclipse.angus.mail.imap",
            "org.eclipse.angus.mail.smtp");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Logger> loggers = LOGGERS.stream().map(Logger::getLogger).toList();
    private final List<Level> previous = loggers.stream().map(Logger::getLevel).toList();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String m = record.getMessage();
            if (m != null && record.getParameters() != null && record.getParameters().length > 0) {
                m = java.text.MessageFormat.format(m, record.getParameters());
            }
            lines.add(m);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    SaslMechanisms() {
        handler.setLevel(Level.ALL);
        for (Logger logger : loggers) {
            logger.setLevel(Level.FINE);
            logger.addHandler(handler);
        }
    }

    boolean smtpUsedXoauth2() {
        return lines.stream().anyMatch(l -> l != null && l.equals("Using mechanism XOAUTH2"));
    }

    boolean anyLineContains(String text) {
        return lines.stream().anyMatch(l -> l != null && l.contains(text));
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(handler);
            loggers.get(i).setLevel(previous.get(i));
        }
    }
}
