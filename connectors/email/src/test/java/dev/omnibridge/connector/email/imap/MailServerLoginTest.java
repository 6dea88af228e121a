package dev.omnibridge.connector.email.imap;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.omnibridge.connector.email.auth.MailLogin;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How MailServer logs in, read from Jakarta Mail's protocol trace against GreenMail, which takes an access token
 * both as a LOGIN password and with AUTHENTICATE XOAUTH2 (it checks the token against the user's password): only
 * the trace tells which one was used. The trace leaves the authentication exchange out, token included.
 */
class MailServerLoginTest {
    private static final String MAILBOX = "support@acme.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort())
            .withPerMethodLifecycle(true);

    private final ByteArrayOutputStream trace = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        MAIL.setUser(MAILBOX, MAILBOX, "eyJ0eXAi.current-token");
    }

    private MailServer server(MailLogin login) {
        MailServer server = new MailServer("127.0.0.1", MAIL.getImap().getPort(), "none", login,
                Duration.ofMinutes(1));
        server.session().setDebug(true);
        server.session().setDebugOut(new PrintStream(trace, true, StandardCharsets.UTF_8));
        return server;
    }

    @Test
    void anOAuthLoginUsesAuthenticateXoauth2AndTheTraceHoldsNoToken() throws Exception {
        try (Store store = server(new Tokens("eyJ0eXAi.current-token")).connect()) {
            assertThat(store.isConnected()).isTrue();
        }

        String log = trace.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("AUTHENTICATE XOAUTH2 command result").doesNotContain(" LOGIN ")
                .doesNotContain("current-token");
    }

    @Test
    void aPasswordLoginDoesNotOfferXoauth2() throws Exception {
        MAIL.setUser("plain@acme.test", "plain", "pw-123");
        try (Store store = server(MailLogin.password("plain", "pw-123")).connect()) {
            assertThat(store.isConnected()).isTrue();
        }

        assertThat(trace.toString(StandardCharsets.UTF_8)).doesNotContain("AUTHENTICATE XOAUTH2");
    }

    @Test
    void aRefusedTokenIsReplacedOnceAndTheLoginSucceeds() throws Exception {
        Tokens tokens = new Tokens("revoked-token", "eyJ0eXAi.current-token");

        try (Store store = server(tokens).connect()) {
            assertThat(store.isConnected()).isTrue();
        }
        assertThat(tokens.refused).containsExactly("revoked-token");
    }

    @Test
    void aSecondRefusalSaysWhatToCheck() {
        Tokens tokens = new Tokens("revoked-token", "also-refused");

        assertThatThrownBy(() -> server(tokens).connect()).isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("refused the OAuth access token")
                .hasMessageContaining("Add-MailboxPermission")
                .hasMessageNotContaining("also-refused");
        assertThat(tokens.refused).containsExactly("revoked-token", "also-refused");
    }

    /** Hands out the given tokens in turn and records which ones the server refused. */
    private static final class Tokens implements MailLogin {
        private final List<String> queue;
        final List<String> refused = new ArrayList<>();
        private String current;

        Tokens(String... tokens) {
            this.queue = new ArrayList<>(List.of(tokens));
        }

        @Override
        public String username() {
            return MAILBOX;
        }

        @Override
        public String secret() {
            if (current == null) {
                current = queue.remove(0);
            }
            return current;
        }

        @Override
        public boolean usesOAuth() {
            return true;
        }

        @Override
        public boolean refused(String secret) {
            refused.add(secret);
            current = null;
            return true;
        }
    }
}
