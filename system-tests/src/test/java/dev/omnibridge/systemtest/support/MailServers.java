package dev.omnibridge.systemtest.support;

import com.icegreen.greenmail.base.GreenMailOperations;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GreenMail server setups on free loopback ports, picked the way {@link HubProcess} picks the hub's port (port 0 is
 * not understood by every GreenMail code path, and the hub's configuration needs the real numbers up front).
 */
public final class MailServers {
    public static final String HOST = "127.0.0.1";

    private MailServers() {
    }

    /** Plain SMTP and plain IMAP on 127.0.0.1, each on its own free port. */
    public static ServerSetup[] smtpAndImapOnFreePorts() {
        return new ServerSetup[]{
                new ServerSetup(freePort(), HOST, ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(freePort(), HOST, ServerSetup.PROTOCOL_IMAP)};
    }

    /**
     * A GreenMail with SMTP and IMAP on free ports, shared by a test class's methods, holding the support mailbox the
     * hub reads and sends as, and one mailbox per customer (password {@code <local part>-password}).
     */
    public static GreenMailExtension server(String support, String supportPassword, String... customers) {
        GreenMailConfiguration users = GreenMailConfiguration.aConfig().withUser(support, support, supportPassword);
        for (String customer : customers) {
            users = users.withUser(customer, customer, customer.substring(0, customer.indexOf('@')) + "-password");
        }
        return new GreenMailExtension(smtpAndImapOnFreePorts()).withConfiguration(users)
                .withPerMethodLifecycle(false);
    }

    /** Settings of an email connector instance that reads and sends as {@code mailbox} on this GreenMail. */
    public static Map<String, Object> emailInstance(GreenMailOperations server, String mailbox, String password) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("imapHost", HOST);
        settings.put("imapPort", server.getImap().getPort());
        settings.put("imapSecurity", "none");
        settings.put("imapUsername", mailbox);
        settings.put("imapPassword", password);
        settings.put("pollInterval", "1s");
        settings.put("smtpHost", HOST);
        settings.put("smtpPort", server.getSmtp().getPort());
        settings.put("smtpSecurity", "none");
        settings.put("fromAddress", mailbox);
        settings.put("fromName", "Acme Support");
        return settings;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
