package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
import dev.omnibridge.testkit.contract.Check;
import dev.omnibridge.testkit.contract.ContractSamples;
import dev.omnibridge.testkit.contract.Running;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * email keeps the connector contract. Mail is fetched from the support mailbox over authenticated IMAP: there is no
 * webhook to sign, and a mail fetched again is known by its Message-ID. The inbound checks hand raw mails to the
 * connector's importer (what each IMAP fetch does); sends go to a scripted SMTP server that answers MAIL FROM with the
 * reply code under test (SMTP, not HTTP: 4xx are transient, 5xx permanent, RFC 5321 section 4.2.1).
 */
class EmailContractTest implements ChannelConnectorContract<EmailConnector> {
    private static final String ANN = "ann@customer.test";
    private static final String NO_WEBHOOK = "mail is fetched from the support mailbox over authenticated IMAP;"
            + " there is no webhook to sign (a mail fetched again is known by its Message-ID: INBOUND_DEDUPE_STABLE)";

    @RegisterExtension
    static final GreenMailExtension MAIL = MailboxFixture.greenMail();

    private static ScriptedSmtp smtp;

    @BeforeAll
    static void smtpServer() throws IOException {
        smtp = new ScriptedSmtp();
    }

    @AfterAll
    static void stopSmtp() throws IOException {
        smtp.close();
    }

    @Override
    public ConnectorType type() {
        return new EmailType();
    }

    @Override
    public Map<String, ?> validSettings() {
        MAIL.setUser(MailboxFixture.SUPPORT, "support", "s3cret-pw");
        Map<String, Object> s = new HashMap<>(Map.of(
                "imapHost", "127.0.0.1", "imapPort", MAIL.getImap().getPort(), "imapSecurity", "none",
                "imapUsername", "support", "imapPassword", "s3cret-pw", "pollInterval", "1h", "idle", "false",
                "smtpHost", "127.0.0.1", "smtpPort", smtp.port(), "smtpSecurity", "none"));
        s.put("fromAddress", MailboxFixture.SUPPORT);
        return s;
    }

    @Override
    public Map<Check, String> optOuts() {
        return Map.of(Check.UNSIGNED_REFUSED, NO_WEBHOOK, Check.FORGED_SECRET_REFUSED, NO_WEBHOOK,
                Check.ALTERED_BODY_REFUSED, NO_WEBHOOK, Check.REPLAY_REFUSED, NO_WEBHOOK);
    }

    @Override
    public Running<EmailConnector> startConnector() throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.start();
        FakeConnectorContext context = newContext(validSettings()).withCamel(camel);
        EmailConnector connector = newConnector();
        connector.start(context);
        return new Running<>(connector, context, camel::stop);
    }

    private static final String[][] MAILS = {
            {"Ann Example", "Printer on fire", "It is on fire, please help", "contract-1@customer.test"},
            {"Ann Example", "Invoice 4411", "The invoice shows the wrong amount", "contract-2@customer.test"}};

    @Override
    public int inboundSampleCount() {
        return MAILS.length;
    }

    /** What one IMAP fetch of mail {@code sample} does: the connector's importer on the raw bytes, then submit. */
    @Override
    public Inbound receive(Running<EmailConnector> running, int sample) throws Exception {
        String[] m = MAILS[sample];
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Mails.plain(ANN, m[0], MailboxFixture.SUPPORT, m[1], m[2], m[3]).writeTo(raw);
        MailImporter importer = new MailImporter(running.context(), EmailSettings.from(running.context().settings()));
        Inbound inbound = importer.importMail("contract:" + sample, raw.toByteArray()).inbound();
        running.context().submit(inbound).toCompletableFuture().join();
        return inbound;
    }

    @Override
    public OutboundMessage sampleOutbound() {
        return ContractSamples.reply(EmailType.NAME, instanceId(), "ABCDEFGH", Address.email(ANN),
                "Refund approved, regards");
    }

    @Override
    public List<Integer> sendFailureStatuses() {
        return List.of(421, 450, 451, 452, 550, 551, 552, 553, 554);
    }

    @Override
    public DeliveryException.Kind expectedKind(int status) {
        return status < 500 ? DeliveryException.Kind.RETRYABLE : DeliveryException.Kind.PERMANENT;
    }

    @Override
    public void failSendsWith(int status) {
        smtp.answerMailFromWith(status);
    }

    @Override
    public void failSendsWithNetworkError() {
        smtp.answerMailFromWith(0);
    }

    /** An SMTP server that greets, takes EHLO, and answers MAIL FROM with the code set last (0: drops the line). */
    static final class ScriptedSmtp implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private volatile int code = 250;

        ScriptedSmtp() throws IOException {
            Thread t = new Thread(this::serve, "scripted-smtp");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void answerMailFromWith(int replyCode) {
            code = replyCode;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    write(out, "220 scripted ESMTP");
                    for (String line; (line = in.readLine()) != null; ) {
                        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                        if (verb.equals("QUIT")) {
                            write(out, "221 bye");
                            break;
                        } else if (verb.equals("MAIL")) {
                            if (code == 0) {
                                break;   // the connection drops
                            }
                            write(out, code + (code < 400 ? " ok" : " 4.0.0 failing for the contract test"));
                        } else {
                            write(out, "250 ok");
                        }
                    }
                } catch (IOException e) {
                    // next connection
                }
            }
        }

        private static void write(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
