package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** An IMAP login that fails shows as the instance's problem until the mailbox opens again, with no mail to store. */
class MailboxRecoveryTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[]{
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()}).withPerMethodLifecycle(true);

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private EmailConnector connector;

    @AfterEach
    void tearDown() throws Exception {
        if (connector != null) {
            connector.stop();
        }
        camel.stop();
    }

    @Test
    void aMailboxThatOpensAgainResolvesTheProblem() throws Exception {
        camel.start();
        GreenMailUser support = MAIL.setUser("support@acme.test", "support", "old-password");
        Map<String, Object> settings = new HashMap<>(Map.of(
                "imapHost", "127.0.0.1", "imapPort", MAIL.getImap().getPort(), "imapSecurity", "none",
                "imapUsername", "support", "imapPassword", "new-password", "pollInterval", "1s",
                "smtpHost", "127.0.0.1", "smtpPort", MAIL.getSmtp().getPort(), "smtpSecurity", "none",
                "fromAddress", "support@acme.test"));
        EmailType type = new EmailType();
        FakeConnectorContext ctx = new FakeConnectorContext("mail", type.config(), settings).withCamel(camel);
        connector = (EmailConnector) type.create();
        connector.start(ctx);

        await(() -> ctx.currentProblem().isPresent(), "the refused login reported");
        support.setPassword("new-password");   // the mail admin catches up with the configured password

        await(() -> ctx.currentProblem().isEmpty(), "the problem resolved once the mailbox opens");
        assertThat(ctx.submissions()).as("no mail was stored that could have cleared it").isEmpty();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
