package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API, the console's data and the public endpoints never show a secret of the configuration: the hub
 * runs instances with every kind of secret (webhook signing secrets, the chat's token and identity secrets, Twilio's
 * auth token, Zendesk's API token and webhook signing secret, the admin token itself), a restart makes instances
 * report their state again, and every read endpoint is asked. The log is checked for the same secrets after the
 * class ({@link dev.omnibridge.systemtest.support.HubLogScan}).
 */
class AdminApiShowsNoSecretsTest extends SystemTestBase {
    private static final String TWILIO_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TWILIO_TOKEN = "twilio-auth-token-never-shown-4711";
    private static final String ZENDESK_TOKEN = "zendesk-api-token-never-shown-0815";
    private static final String ZENDESK_SIGNING = "zendesk-signing-secret-never-shown-42";
    private static final String CHAT_TOKEN_SECRET = "webchat-token-secret-never-shown-0123456789abcdef";
    private static final String CHAT_IDENTITY_SECRET = "webchat-identity-secret-never-shown-9876543210";

    private TwilioApiFake twilio;
    private ZendeskApiFake zendesk;
    private final List<String> secrets = new ArrayList<>();

    @Override
    protected HubProcess startHub() {
        twilio = TwilioApiFake.start(TWILIO_SID);
        zendesk = ZendeskApiFake.start("agent@acme.test", ZENDESK_TOKEN);
        return startHubWith("webchat", "twilio", "zendesk");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> sms = new LinkedHashMap<>(twilio.smsSettings(TWILIO_SID, TWILIO_TOKEN));
        sms.put("timeout", "5s");
        HubConfig config = standardConfig()
                .instance("chat", "webchat", Map.of("tokenSecret", CHAT_TOKEN_SECRET,
                        "identitySecret", CHAT_IDENTITY_SECRET))
                .instance("sms", "twilio-sms", sms)
                .instance("zendesk", "zendesk", zendesk.instanceSettings(ZENDESK_SIGNING))
                .route("chat", DESK)
                .route("sms", "zendesk");
        secrets.clear();
        secrets.addAll(config.secrets());
        return config;
    }

    @AfterAll
    void stopFakes() {
        if (twilio != null) {
            twilio.close();
        }
        if (zendesk != null) {
            zendesk.close();
        }
    }

    @Test
    void noReadEndpointShowsASecretOfTheConfiguration() {
        awaitRunning("chat", "sms", "zendesk");
        assertThat(secrets).as("the configuration's secrets are known to the test").contains(TWILIO_TOKEN,
                ZENDESK_TOKEN, ZENDESK_SIGNING, CHAT_TOKEN_SECRET, CHAT_IDENTITY_SECRET, CHANNEL_SECRET, DESK_SECRET,
                HubProcess.ADMIN_TOKEN);
        HttpResponse<String> restart = hub.http().post("/api/instances/zendesk/restart", "",
                "Authorization", "Bearer " + HubProcess.ADMIN_TOKEN);
        assertThat(restart.statusCode()).as(restart.body()).isLessThan(300);
        assertNoSecret("POST /api/instances/zendesk/restart", restart.body());
        awaitRunning("zendesk");

        for (String path : List.of("/api/instances", "/api/conversations", "/api/stats", "/api/store",
                "/api/dead-letters", "/api/skipped", "/api/messages")) {
            assertNoSecret("GET " + path, hub.http().adminJson(path).toString());
        }
        for (String path : List.of("/health", "/metrics", "/console/", "/hooks/chat/config")) {
            HttpResponse<String> r = hub.http().get(path);
            assertNoSecret("GET " + path + " (" + r.statusCode() + ")", r.body());
        }
    }

    private void assertNoSecret(String where, String body) {
        for (String secret : secrets) {
            assertThat(body).as("%s shows the secret %s", where, secret).doesNotContain(secret);
        }
    }
}
