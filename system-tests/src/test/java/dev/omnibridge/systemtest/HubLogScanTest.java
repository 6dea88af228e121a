package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubLogScan;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's log keeps customers' data and the configuration's secrets out at INFO and above, also where it is most
 * tempting to log them: a desk that fails with the message echoed in its error body, a channel that refuses a reply
 * and echoes it, a dead letter. The scan itself ({@link HubLogScan}, run after every system test class) is checked
 * first on a log written here, so that a clean result means something.
 */
class HubLogScanTest extends SystemTestBase {
    private static final String CUSTOMER = "log-scan-customer";
    private static final String CUSTOMER_EMAIL = CUSTOMER + "@example.com";
    private static final String PHONE = "+4915112345678";
    private static final String OTHER_EMAIL = "private.person@example.org";
    private static final String TEXT = "My card was charged twice, call me on " + PHONE + " or write to " + OTHER_EMAIL;
    private static final String REPLY = "We refunded the second charge of order 88231 today";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theScanFindsRegisteredValuesAtInfoAndAboveButNotInDebugLinesOrRedactedForms(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("hub.log");
        Files.writeString(log, String.join("\n",
                "===== launch 1 of HubLogScanTest at 2026-12-04T10:00:00Z =====",
                "10:00:00.001 INFO  [main] Hub - Omnibridge ready",
                "10:00:00.002 DEBUG [d-1] Dispatcher - sending to ann@example.com: " + TEXT,
                "java.lang.IllegalStateException: " + PHONE,
                "10:00:00.003 INFO  [d-1] Reachability - Address a***@example.com is now unreachable",
                "10:00:00.004 WARN  [d-1] Dispatcher - dead-lettered: HTTP 400: " + TEXT,
                "java.lang.IllegalStateException: token hunter2-secret",
                "10:00:00.005 INFO  [d-2] WhatsApp - sent to 4915112345678",
                "10:00:00.006 INFO  [d-3] Mail - from ANN@Example.com"));
        List<String[]> values = List.of(new String[] {"text", TEXT}, new String[] {"address", "ann@example.com"},
                new String[] {"address", PHONE}, new String[] {"address", "4915112345678"},
                new String[] {"secret", "hunter2-secret"});

        List<HubLogScan.Leak> leaks = HubLogScan.scan(log, values);

        assertThat(leaks).extracting(HubLogScan.Leak::lineNumber, HubLogScan.Leak::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(6, "text"),
                org.assertj.core.groups.Tuple.tuple(6, "address"),
                org.assertj.core.groups.Tuple.tuple(6, "address"),
                org.assertj.core.groups.Tuple.tuple(7, "secret"),
                org.assertj.core.groups.Tuple.tuple(8, "address"),
                org.assertj.core.groups.Tuple.tuple(9, "address"));
    }

    @Test
    void customerDataInFailingDesksAndChannelsAndDeadLettersStaysOutOfTheLog() {
        logScan.addresses(CUSTOMER_EMAIL, PHONE, OTHER_EMAIL).texts(TEXT, REPLY);
        // The desk fails twice echoing the message (a 500 with the request in its error page), then takes it.
        desk.stubFor(post(urlEqualTo(DESK_PATH)).atPriority(OVERRIDE).withRequestBody(containing(CUSTOMER))
                .inScenario(CUSTOMER).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500).withBody("Internal error while storing: " + TEXT))
                .willSetStateTo("failed once"));
        desk.stubFor(post(urlEqualTo(DESK_PATH)).atPriority(OVERRIDE).withRequestBody(containing(CUSTOMER))
                .inScenario(CUSTOMER).whenScenarioStateIs("failed once")
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"invalid requester " + CUSTOMER_EMAIL
                        + "\",\"text\":\"" + TEXT + "\"}")).willSetStateTo("refused"));
        desk.stubFor(post(urlEqualTo(DESK_PATH)).atPriority(OVERRIDE).withRequestBody(containing(CUSTOMER))
                .inScenario(CUSTOMER).whenScenarioStateIs("refused").willReturn(ticketResponse(200)));
        // The channel refuses the agent's reply for good, echoing it.
        channel.stubFor(post(urlEqualTo(CALLBACK_PATH)).atPriority(OVERRIDE).withRequestBody(containing(CUSTOMER))
                .willReturn(aResponse().withStatus(400).withBody("cannot deliver '" + REPLY + "' to "
                        + CUSTOMER_EMAIL)));

        assertThat(postToChannel("log-scan-1", CUSTOMER, TEXT).statusCode()).isEqualTo(200);
        String conversation = awaitConversationOf(WEB, CUSTOMER_EMAIL, WAIT);
        Poll.until(WAIT, "the first desk delivery is a dead letter", () -> deadLetters().toString()
                .contains(conversation));
        // Sent again: this time the desk takes it.
        assertThat(postToChannel("log-scan-2", CUSTOMER, TEXT + " (again)").statusCode()).isEqualTo(200);
        String ticket = awaitDeskTicket(conversation, DESK, WAIT);
        assertThat(postDeskReply(Messages.deskReply(ticket, conversation, "log-scan-r1", REPLY, false))
                .statusCode()).isEqualTo(200);
        Poll.until(WAIT, "the reply to the channel is a dead letter too", () -> deadLetters().size() >= 2);
        // The hub's log is scanned once the hub has stopped (after this class), by the logScan extension.
    }
}
