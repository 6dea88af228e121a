package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.testkit.MutableClock;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static dev.omnibridge.connector.email.MailboxFixture.SUPPORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sender gets at most {@code maxAcknowledgementsPerDay} acknowledgements a day, whatever its mail's headers say:
 * an auto-responder that passes every noise check still cannot keep a loop going. Real IMAP and SMTP (GreenMail),
 * the hub's side in memory, a clock the test moves.
 */
class AcknowledgementCapTest {
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@other.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = MailboxFixture.greenMail();

    /** 22:00 UTC: two hours before the day ends. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T22:00:00Z"));

    @RegisterExtension
    final MailboxFixture mailbox = new MailboxFixture(MAIL, ANN, BOB).withSetting("acknowledge", "true")
            .withConnector(() -> new EmailConnector(clock));

    @Test
    void theFourthNewConversationOfOneSenderOnOneDayIsImportedButNotAcknowledged() throws Exception {
        mailbox.start();
        for (int i = 1; i <= 4; i++) {
            newRequest(ANN, i);
            mailbox.awaitMessages(i);
        }
        // Bob's request comes after Ann's fourth: once his acknowledgement is in, a fourth one to Ann would be too.
        newRequest(BOB, 1);
        mailbox.awaitMessages(5);
        awaitAcknowledgements(BOB, 1);

        assertThat(acknowledgementsTo(ANN)).as("Ann's first three requests are acknowledged, her fourth not")
                .hasSize(3);
        assertThat(mailbox.ctx().messages()).extracting(m -> m.author().address().value())
                .as("all of Ann's requests are imported").containsExactly(ANN, ANN, ANN, ANN, BOB);
    }

    @Test
    void theCountSurvivesARestartAndStartsAgainAtMidnightUtc() throws Exception {
        mailbox.start();
        for (int i = 1; i <= 2; i++) {
            newRequest(ANN, i);
            mailbox.awaitMessages(i);
        }
        awaitAcknowledgements(ANN, 2);

        mailbox.restart();
        newRequest(ANN, 3);
        awaitAcknowledgements(ANN, 3);
        newRequest(ANN, 4);
        newRequest(BOB, 1);
        mailbox.awaitMessages(5);
        awaitAcknowledgements(BOB, 1);
        assertThat(acknowledgementsTo(ANN)).as("the restarted connector knew of the two before it").hasSize(3);

        clock.advance(Duration.ofHours(2));   // 00:00 UTC: a new day
        newRequest(ANN, 5);
        mailbox.awaitMessages(6);
        awaitAcknowledgements(ANN, 4);
    }

    @Test
    void theStoredCountNamesNoAddress() throws Exception {
        mailbox.start();
        newRequest(ANN, 1);
        mailbox.awaitMessages(1);
        awaitAcknowledgements(ANN, 1);

        assertThat(mailbox.ctx().offsets()).hasSizeGreaterThan(1);
        mailbox.ctx().offsets().forEach((key, value) -> {
            assertThat(key).doesNotContainIgnoringCase("ann").doesNotContainIgnoringCase("customer.test");
            assertThat(value).doesNotContainIgnoringCase("ann").doesNotContainIgnoringCase("customer.test");
            assertThat(key.length()).isLessThanOrEqualTo(200);
            assertThat(value.length()).isLessThanOrEqualTo(2000);
        });
    }

    @Test
    void theCapIsASettingOfAtLeastOne() {
        List<ConfigProblem> problems = new ArrayList<>();
        EmailSettings defaults = EmailSettings.from(mailbox.type().config().parse("mail", mailbox.settings(Map.of()),
                problems));
        mailbox.type().config().parse("mail", mailbox.settings(Map.of("maxAcknowledgementsPerDay", "0")), problems);

        assertThat(defaults.maxAcknowledgementsPerDay()).isEqualTo(3);
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("maxAcknowledgementsPerDay");
    }

    private void newRequest(String from, int n) throws Exception {
        mailbox.deliver(Mails.plain(from, "Customer", SUPPORT,
                "Request " + n, "Please help with request " + n + ".", "req-" + n + "." + from));
    }

    private void awaitAcknowledgements(String to, int n) {
        await(() -> acknowledgementsTo(to).size() >= n, n + " acknowledgement(s) to " + to);
    }

    private static List<MimeMessage> acknowledgementsTo(String to) {
        return List.of(MAIL.getReceivedMessagesForDomain(to.substring(to.indexOf('@') + 1)));
    }
}
