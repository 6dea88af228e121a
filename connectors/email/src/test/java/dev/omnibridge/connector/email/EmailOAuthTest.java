package dev.omnibridge.connector.email;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OAuth logins end to end: GreenMail as IMAP and SMTP server (it takes AUTHENTICATE XOAUTH2 and AUTH XOAUTH2 and
 * checks the access token as the user's password), a WireMock stand-in for Microsoft's token endpoint. That IMAP
 * uses AUTHENTICATE XOAUTH2 (and not LOGIN with the token) is shown by MailServerLoginTest.
 */
class EmailOAuthTest {
    private static final String SUPPORT = "support@acme.test";
    private static final String ANN = "ann@customer.test";
    private static final String TENANT = "contoso.onmicrosoft.com";
    private static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    private static final String CLIENT_SECRET = "Xy8Q~client-secret-value-123";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[]{
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()}).withPerMethodLifecycle(true);

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final EmailType type = new EmailType();
    private WireMockServer entra;
    private EmailConnector connector;
    private FakeConnectorContext ctx;
    private GreenMailUser support;
    private SaslMechanisms mechanisms;

    @BeforeEach
    void setUp() {
        camel.start();
        entra = new WireMockServer(options().dynamicPort());
        entra.start();
        // The mailbox logs in by its address; GreenMail checks an XOAUTH2 token against the password.
        support = MAIL.setUser(SUPPORT, SUPPORT, "no-token-yet");
        MAIL.setUser(ANN, "ann", "ann-pw");
        mechanisms = new SaslMechanisms();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (connector != null) {
            connector.stop();
        }
        mechanisms.close();
        entra.stop();
        camel.stop();
    }

    private void start() {
        start(Map.of());
    }

    private void start(Map<String, Object> overrides) {
        Map<String, Object> s = new HashMap<>(Map.of(
                "imapHost", "127.0.0.1", "imapPort", MAIL.getImap().getPort(), "imapSecurity", "none",
                "imapUsername", SUPPORT, "pollInterval", "1s",
                "smtpHost", "127.0.0.1", "smtpPort", MAIL.getSmtp().getPort(), "smtpSecurity", "none",
                "fromAddress", SUPPORT));
        s.put("auth", "oauth2-microsoft");
        s.put("oauthTenant", TENANT);
        s.put("oauthClientId", "app-client-id");
        s.put("oauthClientSecret", CLIENT_SECRET);
        s.put("oauthTokenUrl", entra.baseUrl() + "/{tenant}/oauth2/v2.0/token");
        s.putAll(overrides);
        ctx = new FakeConnectorContext("mail", type.config(), s).withCamel(camel);
        connector = (EmailConnector) type.create();
        connector.start(ctx);
    }

    /** Microsoft's client credentials answers, one per request, in order. */
    private void tokens(String... values) {
        String state = Scenario.STARTED;
        for (int i = 0; i < values.length; i++) {
            String next = "after-" + (i + 1);
            entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("tokens").whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                                    + "\"access_token\":\"" + values[i] + "\"}"))
                    .willSetStateTo(next));
            state = next;
        }
    }

    @Test
    void microsoftClientCredentialsImportAndReplyOverXoauth2WithOneToken() throws Exception {
        tokens("eyJ0eXAiOiJKV1Qi.ms-token-1");
        support.setPassword("eyJ0eXAiOiJKV1Qi.ms-token-1");
        start();
        support.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Refund", "I want a refund", "o1@customer.test"));
        await(() -> ctx.messages().size() == 1, "mail imported");

        Message first = ctx.messages().get(0);
        Conversation conversation = ctx.findConversation(first.threadKey()).orElseThrow();
        Message reply = Message.builder().id("hub-msg-1").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r1").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("Approved.").build();
        connector.send(new OutboundMessage(reply, conversation, "key-1"));
        await(() -> MAIL.getReceivedMessagesForDomain("customer.test").length == 1, "reply sent");

        assertThat(mechanisms.smtpUsedXoauth2()).as("SMTP logged in with AUTH XOAUTH2").isTrue();
        entra.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        assertThat(mechanisms.anyLineContains("ms-token-1")).as("the token is never logged").isFalse();
        assertThat(ctx.problems()).isEmpty();
    }

    @Test
    void aTokenTheServersRefuseIsRenewedOnceForImapAndForSmtp() throws Exception {
        tokens("revoked-token", "fresh-token", "fresh-token-2");
        support.setPassword("fresh-token");
        start();
        support.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Help", "Please", "o2@customer.test"));
        await(() -> ctx.messages().size() == 1, "mail imported after one renewal");
        entra.verify(2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));

        // The token is revoked again before it expires; the next reply renews it once and goes out.
        support.setPassword("fresh-token-2");
        Message first = ctx.messages().get(0);
        Conversation conversation = ctx.findConversation(first.threadKey()).orElseThrow();
        Message reply = Message.builder().id("hub-msg-2").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r2").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("On it.").build();
        connector.send(new OutboundMessage(reply, conversation, "key-2"));

        assertThat(MAIL.getReceivedMessagesForDomain("customer.test")).hasSize(1);
        entra.verify(3, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        assertThat(ctx.problems()).as("a renewal that works is no problem").isEmpty();
    }

    @Test
    void theImapSessionLogsInAgainBeforeItsTokenExpiresWithoutAProblem() throws Exception {
        // Exchange Online ends an IMAP session whose token expired; the source must not wait for that.
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":4,\"access_token\":\"short-lived\"}")));
        support.setPassword("short-lived");
        start();

        await(() -> entra.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))).size() >= 3,
                "three logins with renewed tokens");
        support.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Still there?", "Yes", "o3@customer.test"));
        await(() -> ctx.messages().size() == 1, "mail imported after the renewals");
        assertThat(ctx.problems()).isEmpty();
    }

    @Test
    void aReplyWithoutATokenIsRetryableAndShownAndGoesOutOnceTheEndpointAnswers() throws Exception {
        // SMTP logs in as another mailbox, so it has its own token and asks the endpoint at the first reply.
        MAIL.setUser("sender@acme.test", "sender@acme.test", "smtp-token");
        tokens("imap-token");
        support.setPassword("imap-token");
        start(Map.of("smtpUsername", "sender@acme.test"));
        support.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Parcel", "Where?", "o4@customer.test"));
        await(() -> ctx.messages().size() == 1, "mail imported");
        entra.resetAll();
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided "
                        + "client secret keys for app 'app-client-id' are expired.\"}")));
        Message first = ctx.messages().get(0);
        Conversation conversation = ctx.findConversation(first.threadKey()).orElseThrow();
        Message reply = Message.builder().id("hub-msg-4").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r4").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("Found it.").build();
        OutboundMessage outbound = new OutboundMessage(reply, conversation, "key-4");

        assertThatThrownBy(() -> connector.send(outbound)).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).as("retried later").isTrue())
                .hasMessageContaining("SMTP login").hasMessageContaining("AADSTS7000222")
                .hasMessageContaining("check oauthClientId and oauthClientSecret")
                .hasMessageNotContaining(CLIENT_SECRET);
        assertThat(ctx.problems()).anySatisfy(p -> assertThat(p).contains("SMTP login").contains("invalid_client"));

        entra.resetAll();
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"smtp-token\"}")));
        connector.send(outbound);
        assertThat(MAIL.getReceivedMessagesForDomain("customer.test")).hasSize(1);
    }

    @Test
    void aFailingTokenEndpointShowsInHealthWithWhatToCheckAndNoSecret() {
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
                        + "secret provided. Ensure the secret being sent in the request is the client secret value, "
                        + "not the client secret ID, for a secret added to app 'app-client-id'.\","
                        + "\"error_codes\":[7000215]}")));
        start();

        await(() -> !ctx.problems().isEmpty(), "a problem is reported");
        assertThat(ctx.problems().get(0)).contains("IMAP folder INBOX")
                .contains("invalid_client: AADSTS7000215")
                .contains("check oauthClientId and oauthClientSecret")
                .doesNotContain(CLIENT_SECRET);
    }
}
