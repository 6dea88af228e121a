package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged email plugin logging in with OAuth (Microsoft 365 client credentials): a WireMock stand-in for the
 * Entra ID token endpoint, answering as Microsoft documents it, and GreenMail, which takes the access token with
 * XOAUTH2 (checking it against the mailbox's password). Instance {@value #MAIL} has a good client secret, instance
 * {@value #BROKEN} a wrong one.
 */
class EmailOAuthLoginTest extends SystemTestBase {
    private static final String MAIL = "mail";
    private static final String BROKEN = "mail-broken";
    private static final String SUPPORT = "support@acme.test";
    private static final String OTHER = "other@acme.test";
    private static final String ANN = "ann@customer.test";
    private static final String TENANT = "contoso.onmicrosoft.com";
    private static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    private static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6.system-test-access-token";
    private static final String GOOD_SECRET = "Good8Q~client-secret-value";
    private static final String WRONG_SECRET = "Wrong8Q~client-secret-value";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = new GreenMailExtension(MailServers.smtpAndImapOnFreePorts())
            .withConfiguration(GreenMailConfiguration.aConfig()
                    .withUser(SUPPORT, SUPPORT, ACCESS_TOKEN)
                    .withUser(OTHER, OTHER, ACCESS_TOKEN)
                    .withUser(ANN, ANN, "ann-password"))
            .withPerMethodLifecycle(false);

    private WireMockServer entra;
    private Mailer customers;

    @Override
    protected HubProcess startHub() {
        entra = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        entra.start();
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("client_secret", equalTo(GOOD_SECRET))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                                + "\"access_token\":\"" + ACCESS_TOKEN + "\"}")));
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("client_secret", equalTo(WRONG_SECRET))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid "
                                + "client secret provided. Ensure the secret being sent in the request is the client "
                                + "secret value, not the client secret ID, for a secret added to app 'app-id'.\\r\\n"
                                + "Trace ID: 5f0c\\r\\nCorrelation ID: 9a1b\\r\\nTimestamp: 2026-03-02 10:00:00Z\","
                                + "\"error_codes\":[7000215]}")));
        customers = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        List<Path> plugins = new ArrayList<>(HubProcess.referencePlugins());
        plugins.add(HubProcess.pluginZip("email"));
        return HubProcess.start(getClass().getSimpleName(), config(), plugins);
    }

    @Override
    protected HubConfig config() {
        return standardConfig()
                .instance(MAIL, "email", oauth(SUPPORT, GOOD_SECRET))
                .instance(BROKEN, "email", oauth(OTHER, WRONG_SECRET))
                .route(MAIL, DESK);
    }

    private Map<String, Object> oauth(String mailbox, String clientSecret) {
        Map<String, Object> settings = MailServers.emailInstance(MAIL_SERVER, mailbox, "unused");
        settings.remove("imapPassword");
        settings.put("auth", "oauth2-microsoft");
        settings.put("oauthTenant", TENANT);
        settings.put("oauthClientId", "app-id");
        settings.put("oauthClientSecret", clientSecret);
        settings.put("oauthTokenUrl", entra.baseUrl() + "/{tenant}/oauth2/v2.0/token");
        return settings;
    }

    @AfterAll
    void stopTokenEndpoint() {
        if (entra != null) {
            entra.stop();
        }
    }

    @Test
    void mailComesInAndRepliesGoOutWithAnAccessTokenAndNoSecretIsLogged() throws Exception {
        String subject = "Login without password " + UUID.randomUUID().toString().substring(0, 8);
        CustomerMail mail = CustomerMail.from("Ann", ANN).subject(subject).text("Can you hear me?");
        customers.send(mail.build(customers.session()));

        ReceivedRequest opened = awaitDeskMessage(mail.messageId());
        awaitTicketLinked(opened);
        ObjectNode reply = Json.object().put("ticketRef", "T-" + opened.conversationId()).put("replyId", "oauth-r1");
        reply.putObject("author").put("role", "AGENT").put("displayName", "Alice");
        reply.put("text", "Loud and clear.").put("internal", false);
        assertThat(postDeskReply(Json.write(reply)).statusCode()).isBetween(200, 299);

        String token = opened.threadKey();
        Poll.until(ARRIVAL, "the reply reaches Ann", () -> MAIL_SERVER.findReceivedMessages(
                        u -> u.getEmail().equals(ANN), m -> true).map(ReceivedMail::new)
                .anyMatch(m -> m.subject() != null && m.subject().contains("[#" + token + "]")));
        assertThat(entra.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withFormParam("client_secret", equalTo(GOOD_SECRET))))
                .as("one token for IMAP and SMTP").hasSize(1);
        assertThat(hub.http().health().path("instances").path(MAIL).path("lastError").isNull()).isTrue();
        String log = hub.logTail(Integer.MAX_VALUE);
        assertThat(log).doesNotContain(GOOD_SECRET).doesNotContain(WRONG_SECRET).doesNotContain(ACCESS_TOKEN);
    }

    @Test
    void aWrongClientSecretShowsInHealthWithWhatToCheck() {
        Poll.until(ARRIVAL, BROKEN + " reports a problem", () -> !hub.http().health().path("instances")
                .path(BROKEN).path("lastError").isNull());

        String lastError = hub.http().health().path("instances").path(BROKEN).path("lastError").asText();
        assertThat(lastError).contains("HTTP 401 invalid_client: AADSTS7000215")
                .contains("check oauthClientId and oauthClientSecret")
                .doesNotContain(WRONG_SECRET);
    }

    private ReceivedRequest awaitDeskMessage(String messageId) {
        Poll.until(ARRIVAL, "the desk has accepted the mail " + messageId, () -> deskRequests().stream()
                .anyMatch(r -> messageId.equals(r.channelMessageId())));
        return deskRequests().stream().filter(r -> messageId.equals(r.channelMessageId())).findFirst().orElseThrow();
    }
}
