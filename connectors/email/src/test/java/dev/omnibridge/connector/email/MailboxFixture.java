package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.omnibridge.model.Message;
import dev.omnibridge.testkit.FakeConnectorContext;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;

/**
 * The set-up the connector tests share: the support mailbox on GreenMail (real IMAP and SMTP), a connector on it and
 * the hub's side in memory ({@link FakeConnectorContext}). Register it as an instance {@code @RegisterExtension}
 * after the static {@link #greenMail()} one, so GreenMail is up before each test and the connector stopped before
 * GreenMail is.
 */
final class MailboxFixture implements BeforeEachCallback, AfterEachCallback {
    static final String SUPPORT = "support@acme.test";

    private final GreenMailExtension mail;
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final EmailType type = new EmailType();
    private final Map<String, Object> baseSettings = new HashMap<>();
    private final String[] customers;
    private Supplier<EmailConnector> connectors = () -> (EmailConnector) type.create();
    private EmailConnector connector;
    private FakeConnectorContext ctx;
    private GreenMailUser support;

    /** {@code customers}: addresses that get a mailbox too, login the local part, password local part + "-pw". */
    MailboxFixture(GreenMailExtension mail, String... customers) {
        this.mail = mail;
        this.customers = customers.clone();
    }

    /** SMTP and IMAP on free ports, fresh for every test. */
    static GreenMailExtension greenMail() {
        return new GreenMailExtension(new ServerSetup[]{
                ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()}).withPerMethodLifecycle(true);
    }

    /** A setting every start of this test class uses, on top of the mailbox's hosts and login. */
    MailboxFixture withSetting(String key, String value) {
        baseSettings.put(key, value);
        return this;
    }

    /** How each start makes its connector (e.g. with a clock the test moves). */
    MailboxFixture withConnector(Supplier<EmailConnector> factory) {
        this.connectors = factory;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        camel.start();
        support = mail.setUser(SUPPORT, "support", "s3cret-pw");
        for (String customer : customers) {
            String local = customer.substring(0, customer.indexOf('@'));
            mail.setUser(customer, local, local + "-pw");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        stopConnector();
        camel.stop();
    }

    Map<String, Object> settings(Map<String, Object> overrides) {
        Map<String, Object> s = new HashMap<>(Map.of(
                "imapHost", "127.0.0.1", "imapPort", mail.getImap().getPort(), "imapSecurity", "none",
                "imapUsername", "support", "imapPassword", "s3cret-pw", "pollInterval", "1s",
                "smtpHost", "127.0.0.1", "smtpPort", mail.getSmtp().getPort(), "smtpSecurity", "none",
                "fromAddress", SUPPORT));
        s.putAll(baseSettings);
        s.putAll(overrides);
        return s;
    }

    /** A fresh hub side for the support mailbox, not yet started: for a test that prepares the store first. */
    FakeConnectorContext newContext(Map<String, Object> overrides) {
        return new FakeConnectorContext("mail", type.config(), settings(overrides)).withCamel(camel);
    }

    void start() {
        start(Map.of());
    }

    void start(Map<String, Object> overrides) {
        start(newContext(overrides));
    }

    /** Starts a new connector on the given hub side. */
    void start(FakeConnectorContext context) {
        ctx = context;
        connector = connectors.get();
        connector.start(ctx);
    }

    /** What a restarted hub does: a new connector on the same store. */
    void restart() throws Exception {
        restart(Map.of());
    }

    void restart(Map<String, Object> overrides) throws Exception {
        stopConnector();
        start(ctx.restartedAs(type.config(), settings(overrides)));
    }

    /** Stops the running connector, if any; the store stays as it is (as after a crash). */
    void stopConnector() throws Exception {
        if (connector != null) {
            connector.stop();
            connector = null;
        }
    }

    EmailConnector connector() {
        return connector;
    }

    FakeConnectorContext ctx() {
        return ctx;
    }

    EmailType type() {
        return type;
    }

    GreenMailUser support() {
        return support;
    }

    void deliver(MimeMessage m) {
        support.deliver(m);
    }

    List<Message> awaitMessages(int n) {
        await(() -> ctx.messages().size() >= n, n + " message(s) imported");
        return ctx.messages();
    }

    /** The mails the GreenMail server received for {@code address}, in arrival order. */
    static List<MimeMessage> mailsTo(GreenMailExtension mail, String address) {
        return java.util.Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress().equals(address);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    /** Waits until at least {@code n} mails reached {@code address}, and returns them. */
    static List<MimeMessage> awaitMailsTo(GreenMailExtension mail, String address, int n) {
        await(() -> mailsTo(mail, address).size() >= n, n + " mail(s) to " + address);
        return mailsTo(mail, address);
    }

    /** A mail's Message-ID without its angle brackets. */
    static String messageId(MimeMessage mail) throws Exception {
        String id = mail.getMessageID();
        return id.substring(1, id.length() - 1);
    }
}
