package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-means 4 (masking) on the packaged hub: a customer writes a card number and an IBAN on the webhook channel,
 * whose {@code privacy} section masks them; the Zendesk ticket at the WireMock Zendesk shows the masked form, and
 * neither any request Zendesk received, nor the hub's data directory (store file, attachments), nor its log holds
 * the card number or the IBAN in any form the customer wrote it.
 */
class CardMaskedBeforeTheDeskTest extends SystemTestBase {
    private static final String ZENDESK = "zd";
    private static final String EMAIL = "bridge@acme.test";
    private static final String API_TOKEN = "zd-test-api-token-0123456789";
    private static final String SIGNING_SECRET = "zd-signing-secret-0123456789abcdef";
    private static final String CARD = "4111 1111 1111 1111";
    private static final String CARD_DASHED = "5555-5555-5555-4444";
    private static final String IBAN = "DE89 3704 0044 0532 0130 00";

    private ZendeskApiFake zendesk;

    @Override
    protected HubProcess startHub() {
        zendesk = ZendeskApiFake.start(EMAIL, API_TOKEN);
        return startHubWith("zendesk");
    }

    @Override
    protected HubConfig config() {
        return quickRetryConfig()
                .instance(ZENDESK, "zendesk", zendesk.instanceSettings(SIGNING_SECRET))
                .route(WEB, ZENDESK)
                .privacy("""
                          channels:
                            %s: {mask: [card, iban]}
                        """.formatted(WEB));
    }

    @BeforeAll
    void zendeskIsRunning() {
        awaitRunning(ZENDESK);
    }

    @AfterAll
    void stopFake() {
        if (zendesk != null) {
            zendesk.close();
        }
    }

    @Test
    void theCardNeverReachesZendeskTheStoreOrTheLog() throws IOException {
        String thread = unique("card");
        String text = "Please refund to card " + CARD + " or " + CARD_DASHED + ", or my IBAN " + IBAN + ". Ref "
                + thread;
        assertThat(postToChannel(unique("m"), thread, text).statusCode()).isEqualTo(200);

        Poll.until(Duration.ofSeconds(20), "the Zendesk ticket", () -> !zendesk.ticketsOpenedWith(
                "Please refund to card [card ****1111] or [card ****4444], or my IBAN [IBAN DE** ****3000]. Ref "
                        + thread).isEmpty());
        ObjectNode ticket = zendesk.ticketsOpenedWith("Please refund to card [card ****1111] or [card ****4444], "
                + "or my IBAN [IBAN DE** ****3000]. Ref " + thread).get(0);
        awaitDeskDeliveriesDone(ticket.path("external_id").asText());

        StringBuilder atZendesk = new StringBuilder();
        for (ServeEvent e : zendesk.server().getAllServeEvents()) {
            atZendesk.append(e.getRequest().getUrl()).append('\n').append(e.getRequest().getBodyAsString()).append('\n');
        }
        assertThat(atZendesk.toString()).contains(thread);
        assertNone(atZendesk.toString(), "requests Zendesk received");

        String dataAndLog = bytesUnder(hub.workDir());
        assertThat(dataAndLog).as("the scan reads the store: the masked text is there").contains("[card ****1111]");
        assertNone(dataAndLog, "the hub's data directory and log");
    }

    private static void assertNone(String scanned, String where) {
        for (String form : new String[]{CARD, CARD.replace(" ", ""), CARD_DASHED, CARD_DASHED.replace("-", ""),
                IBAN, IBAN.replace(" ", ""), "0532 0130"}) {
            assertThat(scanned).as(form + " in " + where).doesNotContain(form);
        }
    }

    /** Every file under the hub's work directory (config, data, attachments, log) as one ISO-8859-1 string. */
    private static String bytesUnder(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }
}
