package dev.omnibridge.systemtest.support;

import com.icegreen.greenmail.util.ServerSetup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
