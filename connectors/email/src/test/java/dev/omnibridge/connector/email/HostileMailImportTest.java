package dev.omnibridge.connector.email;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.testkit.FakeConnectorContext;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile corpus mails (src/test/resources/hostile) through a real IMAP server into the hub's side: damaged and
 * encrypted mail reaches the agent as a message with a note, never as a dead letter or empty, silent text.
 */
class HostileMailImportTest {
    private static final String SUPPORT = "support@acme.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[]{
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()}).withPerMethodLifecycle(true);

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private EmailConnector connector;
    private FakeConnectorContext ctx;
    private GreenMailUser support;

    @BeforeEach
    void setUp() throws Exception {
        camel.start();
        support = MAIL.setUser(SUPPORT, "support", "s3cret-pw");
        EmailType type = new EmailType();
        ctx = new FakeConnectorContext("mail", type.config(), Map.of(
                "imapHost", "127.0.0.1", "imapPort", MAIL.getImap().getPort(), "imapSecurity", "none",
                "imapUsername", "support", "imapPassword", "s3cret-pw", "pollInterval", "1s",
                "smtpHost", "127.0.0.1", "smtpPort", MAIL.getSmtp().getPort(), "smtpSecurity", "none",
                "fromAddress", SUPPORT)).withCamel(camel);
        connector = (EmailConnector) type.create();
        connector.start(ctx);
    }

    @AfterEach
    void tearDown() throws Exception {
        connector.stop();
        camel.stop();
    }

    @Test
    void mailWithABadBase64AttachmentReachesTheAgentWithANoteAndTheOriginalAttached() throws Exception {
        deliverCorpus("bad-base64-attachment.eml");

        Message m = awaitMessages(1).get(0);
        assertThat(ctx.skipped()).as("no dead letter").isEmpty();
        assertThat(m.text()).isEqualTo("The invoice is attached.\n\n[attachment invoice.pdf (application/pdf) could "
                + "not be fully decoded (base64); what was readable is kept and the original mail is attached]");
        assertThat(m.attachments()).extracting(Attachment::fileName).containsExactly("invoice.pdf", "original.eml");
        Attachment original = m.attachments().get(1);
        assertThat(original.mediaType()).isEqualTo("message/rfc822");
        assertThat(original.location().toString()).isEqualTo(m.metadata().get(MailImporter.META_ORIGINAL));
        assertThat(m.metadata().get(MailImporter.META_NOTES)).contains("invoice.pdf");
    }

    @Test
    void encryptedMailAndADoubleInvitationArriveReadableOnce() throws Exception {
        deliverCorpus("smime-enveloped.eml");
        deliverCorpus("invite-twice.eml");

        List<Message> messages = awaitMessages(2);
        Message encrypted = messages.get(0);
        assertThat(encrypted.text()).isEqualTo(
                "[the content is encrypted (S/MIME) and cannot be read by the hub; it is attached as smime.p7m]");
        assertThat(encrypted.attachments()).extracting(Attachment::fileName).containsExactly("smime.p7m");
        Message invitation = messages.get(1);
        assertThat(invitation.text()).isEqualTo("Let us talk about order 4711.");
        assertThat(invitation.attachments()).extracting(Attachment::fileName).containsExactly("invite.ics");
    }

    private void deliverCorpus(String name) throws Exception {
        byte[] raw;
        try (InputStream in = getClass().getResourceAsStream("/hostile/" + name)) {
            if (in == null) {
                throw new IOException("no corpus mail " + name);
            }
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "\r\n")
                    .getBytes(StandardCharsets.UTF_8);
        }
        support.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
    }

    private List<Message> awaitMessages(int n) {
        await(() -> ctx.messages().size() >= n, n + " message(s) imported");
        return ctx.messages();
    }
}
