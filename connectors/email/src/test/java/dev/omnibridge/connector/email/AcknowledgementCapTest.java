package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Message;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.MutableClock;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sender gets at most {@code maxAcknowledgementsPerDay} acknowledgements a day, whatever its mail's headers say:
 * an auto-responder that passes every noise check still cannot keep a loop going. Real IMAP and SMTP (GreenMail),
 * the hub's side in memory, a clock the test moves.
 */
class AcknowledgementCapTest {
    private static final String SUPPORT = "support@acme.test";
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@other.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[]{
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()}).withPerMethodLifecycle(true);

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final EmailType type = new EmailType();
    /** 22:00 UTC: two hours before the day ends. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T22:00:00Z"));
    private EmailConnector connector;
    private FakeConnectorContext ctx;
    private GreenMailUser support;

    @BeforeEach
    void setUp() {
        camel.start();
        support = MAIL.setUser(SUPPORT, "support", "s3cret-pw");
        MAIL.setUser(ANN, "ann", "ann-pw");
        MAIL.setUser(BOB, "bob", "bob-pw");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (connector != null) {
            connector.stop();
        }
        camel.stop();
    }

    private Map<String, Object> settings(Map<String, Object> overrides) {
        Map<String, Object> s = new HashMap<>(Map.of(
                "imapHost", "127.0.0.1", "imapPort", MAIL.getImap().getPort(), "imapSecurity", "none",
                "imapUsername", "support", "imapPassword", "s3cret-pw", "pollInterval", "1s",
                "smtpHost", "127.0.0.1", "smtpPort", MAIL.getSmtp().getPort(), "smtpSecurity", "none",
                "fromAddress", SUPPORT));
        s.put("acknowledge", "true");
        s.putAll(overrides);
        return s;
    }

    private void start() {
        ctx = new FakeConnectorContext("mail", type.config(), settings(Map.of())).withCamel(camel);
        connector = new EmailConnector(clock);
        connector.start(ctx);
    }

    /** What a restarted hub does: a new connector on the same store. */
    private void restart() throws Exception {
        connector.stop();
        ctx = ctx.restartedAs(type.config(), settings(Map.of()));
        connector = new EmailConnector(clock);
        connector.start(ctx);
    }

    @Test
    void theFourthNewConversationOfOneSenderOnOneDayIsImportedButNotAcknowledged() throws Exception {
        start();
        for (int i = 1; i <= 4; i++) {
            newRequest(ANN, i);
            awaitMessages(i);
        }
        // Bob's request comes after Ann's fourth: once his acknowledgement is in, a fourth one to Ann would be too.
        newRequest(BOB, 1);
        awaitMessages(5);
        awaitAcknowledgements(BOB, 1);

        assertThat(acknowledgementsTo(ANN)).as("Ann's first three requests are acknowledged, her fourth not")
                .hasSize(3);
        assertThat(ctx.messages()).extracting(m -> m.author().address().value())
                .as("all of Ann's requests are imported").containsExactly(ANN, ANN, ANN, ANN, BOB);
    }

    @Test
    void theCountSurvivesARestartAndStartsAgainAtMidnightUtc() throws Exception {
        start();
        for (int i = 1; i <= 2; i++) {
            newRequest(ANN, i);
            awaitMessages(i);
        }
        awaitAcknowledgements(ANN, 2);

        restart();
        newRequest(ANN, 3);
        awaitAcknowledgements(ANN, 3);
        newRequest(ANN, 4);
        newRequest(BOB, 1);
        awaitMessages(5);
        awaitAcknowledgements(BOB, 1);
        assertThat(acknowledgementsTo(ANN)).as("the restarted connector knew of the two before it").hasSize(3);

        clock.advance(Duration.ofHours(2));   // 00:00 UTC: a new day
        newRequest(ANN, 5);
        awaitMessages(6);
        awaitAcknowledgements(ANN, 4);
    }

    @Test
    void theStoredCountNamesNoAddress() throws Exception {
        start();
        newRequest(ANN, 1);
        awaitMessages(1);
        awaitAcknowledgements(ANN, 1);

        assertThat(ctx.offsets()).hasSizeGreaterThan(1);
        ctx.offsets().forEach((key, value) -> {
            assertThat(key).doesNotContainIgnoringCase("ann").doesNotContainIgnoringCase("customer.test");
            assertThat(value).doesNotContainIgnoringCase("ann").doesNotContainIgnoringCase("customer.test");
            assertThat(key.length()).isLessThanOrEqualTo(200);
            assertThat(value.length()).isLessThanOrEqualTo(2000);
        });
    }

    @Test
    void theCapIsASettingOfAtLeastOne() {
        List<ConfigProblem> problems = new ArrayList<>();
        EmailSettings defaults = EmailSettings.from(type.config().parse("mail", settings(Map.of()), problems));
        type.config().parse("mail", settings(Map.of("maxAcknowledgementsPerDay", "0")), problems);

        assertThat(defaults.maxAcknowledgementsPerDay()).isEqualTo(3);
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("maxAcknowledgementsPerDay");
    }

    private void newRequest(String from, int n) throws Exception {
        support.deliver(Mails.plain(from, "Customer", SUPPORT,
                "Request " + n, "Please help with request " + n + ".", "req-" + n + "." + from));
    }

    private List<Message> awaitMessages(int n) {
        await(() -> ctx.messages().size() >= n, n + " message(s) imported");
        return ctx.messages();
    }

    private void awaitAcknowledgements(String to, int n) {
        await(() -> acknowledgementsTo(to).size() >= n, n + " acknowledgement(s) to " + to);
    }

    private static List<MimeMessage> acknowledgementsTo(String to) {
        return List.of(MAIL.getReceivedMessagesForDomain(to.substring(to.indexOf('@') + 1)));
    }
}
