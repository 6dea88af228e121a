package dev.omnibridge.hub.privacy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-means 4 (masking): a card number a customer writes on a masking channel never reaches the desk (a WireMock
 * desk API records every request) nor the store (the bytes of the database file and attachment directory are
 * scanned), and {@code /metrics} counts it; on a channel that masks nothing the same scan finds it, so the scan
 * would see a leak.
 */
class MaskedCardNeverStoredTest {
    private static final String CARD = "4111 1111 1111 1111";
    private static final String CARD_DIGITS = "4111111111111111";
    private static final String IBAN = "DE89 3704 0044 0532 0130 00";

    @TempDir
    Path dir;
    private PrivacyRig rig;
    private final WireMockServer deskApi = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void startDeskApi() {
        deskApi.start();
        deskApi.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201)));
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        deskApi.stop();
    }

    @Test
    void aCardNumberNeverReachesTheDeskNorTheStoreFile() throws Exception {
        rig = new PrivacyRig(dir);
        rig.deskApi = URI.create(deskApi.baseUrl() + "/api/v2/tickets");
        HubConfig config = rig.config(List.of("chat", "plain")).withPrivacy(PrivacyRig.privacy("""
                mask: [card, iban, customer-no]
                patterns:
                  customer-no: '\\bKD-\\d{6}\\b'
                channels:
                  plain: {mask: []}
                """, "chat", "plain"));
        rig.start(config);

        rig.submit("chat", rig.message("chat", "m-1", "t-1", "Please charge my card " + CARD
                + " (exp 12/29), or debit " + IBAN + ", customer KD-123456", List.of()));
        rig.submit("plain", rig.message("plain", "p-1", "p-1", "Card on the unmasked channel: 5555 5555 5555 4444",
                List.of()));

        Poll.until("both messages reached the desk API",
                () -> deskApi.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).size() == 2);
        List<String> deskBodies = deskApi.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).stream()
                .map(LoggedRequest::getBodyAsString).toList();
        String chatBody = deskBodies.stream().filter(b -> b.contains("m-1")).findFirst().orElseThrow();
        assertThat(chatBody).contains("[card ****1111]").contains("[IBAN DE** ****3000]").contains("[customer-no]")
                .doesNotContain(CARD).doesNotContain(CARD_DIGITS).doesNotContain("0532 0130").doesNotContain("123456");
        assertThat(rig.stored("m-1").path("text").asText())
                .isEqualTo("Please charge my card [card ****1111] (exp 12/29), or debit [IBAN DE** ****3000], "
                        + "customer [customer-no]");
        String metrics = rig.local.send(rig.local.get("/metrics")).body();
        assertThat(metrics).contains("omnibridge_privacy_masked_total{kind=\"card\"} 1.0")
                .contains("omnibridge_privacy_masked_total{kind=\"iban\"} 1.0")
                .contains("omnibridge_privacy_masked_total{kind=\"customer-no\"} 1.0");
        rig.stop();

        byte[] stored = rig.storedBytes();
        assertThat(PrivacyRig.contains(stored, CARD)).as("card as written, in the store").isFalse();
        assertThat(PrivacyRig.contains(stored, CARD_DIGITS)).as("card digits, in the store").isFalse();
        assertThat(PrivacyRig.contains(stored, "3704 0044 0532")).as("IBAN, in the store").isFalse();
        assertThat(PrivacyRig.contains(stored, "KD-123456")).as("customer number, in the store").isFalse();
        assertThat(PrivacyRig.contains(stored, "[card ****1111]")).as("the masked form is stored").isTrue();
        assertThat(PrivacyRig.contains(stored, "5555 5555 5555 4444"))
                .as("the unmasked channel's card: the scan does see text in the file").isTrue();
    }
}
