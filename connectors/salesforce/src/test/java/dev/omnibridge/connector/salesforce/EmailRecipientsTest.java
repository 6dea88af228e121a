package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeskReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Salesforce sends an agent's Email-action answer to its To, Cc and Bcc itself. The reply tells the hub whom
 * ({@link DeskReply#DELIVERED_TO}), so an email customer among them is not sent the same answer again. The address
 * fields are strings of addresses (EmailMessage object reference: ToAddress, CcAddress, BccAddress; Salesforce
 * separates several with semicolons). A CaseComment is not mailed by Salesforce on the hub's behalf, so it names
 * nobody.
 */
class EmailRecipientsTest {
    private static final OrgRecords ORG = new OrgRecords();
    private static final String AT = "2099-11-23T19:22:00.000+0000";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(ORG)).build();

    private SalesforceConnector connector;

    @BeforeEach
    void start() throws Exception {
        connector = Fixtures.started(wm, ORG);
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    /** An agent's sent email with the given address fields (JSON values: a string or null). */
    private static String sentEmail(String id, String to, String cc, String bcc) {
        String email = EmailMessageRepliesTest.email(id, "\"It ships tomorrow.\"", "null", false, "3", "005ALICE",
                "Standard", false, AT);
        return email.substring(0, email.length() - 1) + ",\"ToAddress\":" + to + ",\"CcAddress\":" + cc
                + ",\"BccAddress\":" + bcc + "}";
    }

    @Test
    void emailActionAnswerNamesEveryAddressSalesforceSentItTo() {
        ORG.commit("EmailMessage", sentEmail("02sMAIL01", "\"Ann@Example.com\"",
                "\"bob@example.org; carol@example.net\"", "\"audit@example.com\""));

        List<DeskReply> replies = Fixtures.caseHint(connector).replies();

        assertThat(replies).hasSize(1);
        String deliveredTo = replies.get(0).metadata().get(DeskReply.DELIVERED_TO);
        assertThat(deliveredTo).isNotNull();
        assertThat(Arrays.asList(deliveredTo.split(","))).containsExactlyInAnyOrder("ann@example.com",
                "bob@example.org", "carol@example.net", "audit@example.com");
        // Salesforce is asked for the address fields with the email.
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q",
                containing("ToAddress, CcAddress, BccAddress")));
    }

    @Test
    void emailWithOnlyAToAddressNamesIt() {
        ORG.commit("EmailMessage", sentEmail("02sMAIL02", "\"ann@example.com\"", "null", "null"));

        assertThat(Fixtures.caseHint(connector).replies()).extracting(r -> r.metadata().get(DeskReply.DELIVERED_TO))
                .containsExactly("ann@example.com");
    }

    @Test
    void emailWithoutAddressesAndAgentsCommentsNameNobody() {
        ORG.commit("EmailMessage", sentEmail("02sMAIL03", "null", "null", "null"));
        ORG.commit("CaseComment", OrgRecords.comment("00aCOMMENT", "It ships tomorrow.", "005ALICE",
                "2099-11-23T19:25:00.000+0000", "2099-11-23T19:25:00.000+0000"));

        List<DeskReply> replies = Fixtures.caseHint(connector).replies();

        assertThat(replies).extracting(DeskReply::replyId).containsExactly("02sMAIL03", "00aCOMMENT");
        assertThat(replies).allSatisfy(r -> assertThat(r.metadata()).doesNotContainKey(DeskReply.DELIVERED_TO));
    }
}
