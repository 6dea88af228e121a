package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.deskkit.FileNotes;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.CONV;
import static dev.omnibridge.connector.salesforce.Fixtures.ME;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents who answer from the case's Send Email action create an EmailMessage, not a CaseComment; those answers must
 * reach the customer too. Records are shaped from the EmailMessage object reference
 * (developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_emailmessage.htm):
 * Incoming false for outgoing mail, Status "3" sent and "5" draft, TextBody optional, HtmlBody required on that action.
 */
class EmailMessageRepliesTest {
    private static final OrgRecords ORG = new OrgRecords();

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

    /** An EmailMessage on the hub's case as the query answers it; {@code textBody}/{@code htmlBody} JSON or null. */
    static String email(String id, String textBody, String htmlBody, boolean incoming, String status,
                        String createdBy, String userType, boolean files, String created) {
        return "{\"attributes\":{\"type\":\"EmailMessage\",\"url\":\"" + Fixtures.DATA + "/sobjects/EmailMessage/"
                + id + "\"},\"Id\":\"" + id + "\",\"ParentId\":\"" + CASE + "\",\"Subject\":\"Re: Where is my parcel? "
                + "thread::pp5XPGfmNf2hRZdRCWnrohc::\",\"TextBody\":" + textBody + ",\"HtmlBody\":" + htmlBody
                + ",\"FromName\":\"Acme Support\",\"Incoming\":" + incoming + ",\"Status\":\"" + status
                + "\",\"HasAttachment\":" + files + ",\"MessageDate\":\"" + created + "\",\"CreatedDate\":\"" + created
                + "\",\"SystemModstamp\":\"" + created + "\",\"CreatedById\":\"" + createdBy + "\",\"CreatedBy\":{"
                + "\"attributes\":{\"type\":\"User\"},\"Name\":\"Alice Agent\",\"UserType\":\"" + userType + "\"},"
                + "\"Parent\":{\"attributes\":{\"type\":\"Case\"},\"Omnibridge_Conversation_Id__c\":\"" + CONV + "\"}}";
    }

    @Test
    void emailActionAnswerReachesTheHubAsTheAgentsReplyWithoutQuotedMailOrThreadToken() {
        ORG.commit("EmailMessage", email("02sAGENT01", "\"Hello Ann,\\n\\nyour parcel ships tomorrow.\\n\\nAlice\\n"
                        + "thread::pp5XPGfmNf2hRZdRCWnrohc::\\n\\n--------------- Original Message ---------------\\n"
                        + "From: Ann Lee [ann@example.com]\\nSent: 23/11/2099 19:10\\nSubject: Where is my parcel?\\n\\n"
                        + "Where is my parcel?\"", "\"<p>Hello Ann,</p>\"", false, "3", "005ALICE", "Standard", false,
                "2099-11-23T19:22:00.000+0000"));

        List<DeskReply> replies = Fixtures.caseHint(connector).replies();

        assertThat(replies).hasSize(1);
        DeskReply reply = replies.get(0);
        assertThat(reply.replyId()).as("the record Id: the hub's dedupe key").isEqualTo("02sAGENT01");
        assertThat(reply.ticketRef()).isEqualTo(CASE);
        assertThat(reply.author().role()).isEqualTo(Role.AGENT);
        assertThat(reply.author().displayName()).isEqualTo("Alice Agent");
        assertThat(reply.text()).isEqualTo("Hello Ann,\n\nyour parcel ships tomorrow.\n\nAlice");
        assertThat(reply.createdAt()).isEqualTo(Instant.parse("2099-11-23T19:22:00Z"));
        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, CONV);
    }

    @Test
    void htmlOnlyEmailBecomesPlainTextWithoutTheQuotedMail() {
        ORG.commit("EmailMessage", email("02sHTML01", "null", "\"<html><head><style>p{margin:0}</style></head><body>"
                        + "<p>Hello Ann,</p><p>your parcel ships <b>tomorrow</b>.<br>Tracking: <a href='https://t.example/1'>"
                        + "1Z999</a></p><div>Alice</div><blockquote>Where is my parcel?</blockquote></body></html>\"",
                false, "3", "005ALICE", "Standard", false, "2099-11-23T19:22:00.000+0000"));

        assertThat(Fixtures.caseHint(connector).replies()).extracting(DeskReply::text).containsExactly(
                "Hello Ann,\n\nyour parcel ships tomorrow.\nTracking: 1Z999\n\nAlice");
    }

    @Test
    void hubsOwnWritesIncomingMailDraftsAndAutomatedMailAreNotReplies() {
        String at = "2099-11-23T19:22:00.000+0000";
        ORG.commit("EmailMessage", email("02sOWN01", "\"logged by the hub's own flow\"", "null", false, "3", ME,
                "Standard", false, at));
        ORG.commit("EmailMessage", email("02sINBOUND01", "\"the customer's own mail\"", "null", true, "0",
                "005AUTOCASE", "Standard", false, at));
        ORG.commit("EmailMessage", email("02sDRAFT01", "\"not sent yet\"", "null", false, "5", "005ALICE",
                "Standard", false, at));
        ORG.commit("EmailMessage", email("02sAUTO01", "\"auto-response\"", "null", false, "3", "005AUTOPROC",
                "AutomatedProcess", false, at));
        ORG.commit("EmailMessage", email("02sAGENT02", "\"the real answer\"", "null", false, "3", "005ALICE",
                "Standard", false, at));

        assertThat(Fixtures.caseHint(connector).replies()).extracting(DeskReply::replyId).containsExactly("02sAGENT02");
        // Salesforce is asked for outgoing, sent mail by others than the integration user on the hub's cases only.
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", containing("FROM EmailMessage WHERE "
                + "Parent.Omnibridge_Conversation_Id__c != null AND Incoming = false AND Status = '3' AND "
                + "CreatedById != '" + ME + "' AND SystemModstamp >= ")));
    }

    @Test
    void filesOfAnEmailAreNamedInsteadOfSilentlyDropped() {
        ORG.commit("EmailMessage", email("02sFILES01", "\"Here is your invoice.\"", "null", false, "3", "005ALICE",
                "Standard", true, "2099-11-23T19:22:00.000+0000"));

        DeskReply reply = Fixtures.caseHint(connector).replies().get(0);
        assertThat(reply.text()).isEqualTo("Here is your invoice.\n[file not attached: attachment]");
        assertThat(reply.metadata()).containsKey(FileNotes.METADATA_KEY);
    }

    @Test
    void orgWithoutEmailMessageStillGetsTheAgentsComments() throws Exception {
        connector.stop();
        // The answer of an org without Email-to-Case/Enhanced Email, or a user without Read on EmailMessage.
        wm.stubFor(get(urlPathEqualTo(QUERY)).atPriority(1).withQueryParam("q", containing("FROM EmailMessage"))
                .willReturn(Fixtures.json(400, "[{\"message\":\"\\nSELECT Id FROM EmailMessage LIMIT 1\\n"
                        + "               ^\\nERROR at Row:1:Column:16\\nsObject type 'EmailMessage' is not "
                        + "supported.\",\"errorCode\":\"INVALID_TYPE\"}]")));
        connector = new SalesforceConnector();
        connector.start(Fixtures.context(Fixtures.settings(wm)));
        ORG.commit("CaseComment", OrgRecords.comment("00aSTILL", "comments still arrive", "005ALICE",
                "2099-11-23T19:25:00.000+0000", "2099-11-23T19:25:00.000+0000"));

        assertThat(Fixtures.caseHint(connector).replies()).extracting(DeskReply::replyId).containsExactly("00aSTILL");
        wm.verify(0, getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", containing("FROM EmailMessage WHERE")));
    }

    @Test
    void commentsAndEmailsComeBackOldestFirst() {
        ORG.commit("CaseComment", OrgRecords.comment("00aLATER", "second, by comment", "005ALICE",
                "2099-11-23T19:25:00.000+0000", "2099-11-23T19:25:00.000+0000"));
        ORG.commit("EmailMessage", email("02sEARLY", "\"first, by email\"", "null", false, "3", "005ALICE",
                "Standard", false, "2099-11-23T19:21:00.000+0000"));

        assertThat(Fixtures.caseHint(connector).replies()).extracting(DeskReply::replyId)
                .containsExactly("02sEARLY", "00aLATER");
    }
}
