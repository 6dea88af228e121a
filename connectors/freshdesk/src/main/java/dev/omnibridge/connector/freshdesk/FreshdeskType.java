package dev.omnibridge.connector.freshdesk;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.deskkit.DeskAssignment;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code freshdesk} connector type: Freshdesk (API v2) as a help desk. Messages become tickets and notes; agents'
 * replies come back through an automation-rule webhook that is only a hint (Freshdesk does not sign webhooks), after
 * which the ticket is re-read through the API. Setup: connectors/freshdesk/README.md.
 */
@Extension
public final class FreshdeskType implements ConnectorType {
    public static final String NAME = "freshdesk";

    static final String BASE_URL = "baseUrl";
    static final String API_KEY = "apiKey";
    static final String CONVERSATION_ID_FIELD = "conversationIdField";
    static final String WEBHOOK_SECRET = "webhookSecret";
    static final String WEBHOOK_SECRET_HEADER = "webhookSecretHeader";
    static final String REQUESTS_PER_MINUTE = "requestsPerMinute";
    static final String TIMEOUT = "timeout";
    static final String MAX_ATTACHMENT_BYTES = "maxAttachmentBytes";
    static final String MESSAGES_PER_NOTE = "messagesPerNote";
    static final String SATISFACTION_RATINGS = "satisfactionRatings";
    static final String SATISFACTION_SCALE = "satisfactionScale";
    static final String PORTAL_URL = "portalUrl";
    /** Assignment key: the Freshdesk group a new ticket goes to (ticket {@code group_id}). */
    static final String GROUP = "group";

    /** Freshdesk refuses more than 20 MB of attachments per ticket or note. */
    static final long FRESHDESK_ATTACHMENT_LIMIT = 20L * 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Freshdesk help desk (API v2): tickets and notes out, agents' replies back via an automation webhook";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(BASE_URL, SettingType.URL).required()
                        .describedAs("your Freshdesk address, e.g. https://acme.freshdesk.com (the API is under /api/v2)"))
                .define(Setting.of(API_KEY, SettingType.STRING).required().secret()
                        .describedAs("an agent's API key (Profile settings > View API key); sent as Basic auth key:X"))
                .define(Setting.of(CONVERSATION_ID_FIELD, SettingType.STRING)
                        .withDefault("cf_omnibridge_conversation_id")
                        .describedAs("API name of the custom single-line text ticket field holding the hub"
                                + " conversation id (create it in Admin > Ticket Fields)")
                        .validatedBy(FreshdeskType::customFieldName))
                .define(Setting.of(WEBHOOK_SECRET, SettingType.STRING).required().secret()
                        .describedAs("shared secret the automation rule's webhook sends in the secret header;"
                                + " at least 24 characters")
                        .validatedBy(v -> String.valueOf(v).length() < 24
                                ? Optional.of("must be at least 24 characters") : Optional.empty()))
                .define(Setting.of(WEBHOOK_SECRET_HEADER, SettingType.STRING)
                        .withDefault("X-Omnibridge-Webhook-Secret")
                        .describedAs("name of the header carrying webhookSecret")
                        .validatedBy(v -> String.valueOf(v).matches("[A-Za-z0-9-]+") ? Optional.empty()
                                : Optional.of("must be a header name (letters, digits, dashes)")))
                .define(Setting.of(REQUESTS_PER_MINUTE, SettingType.INT).withDefault(50)
                        .describedAs("API calls per minute this instance makes at most, each automation webhook"
                                + " received counting as one (Freshdesk charges webhooks to the account's limit);"
                                + " set it to your plan's limit minus what other apps use. Freshdesk's smallest"
                                + " documented limit is 50/min (trial accounts; Growth 200, Pro 400, Enterprise 700)")
                        .validatedBy(Validator.range(1, 10_000)))
                .define(Setting.of(MESSAGES_PER_NOTE, SettingType.INT).withDefault(20)
                        .describedAs("most messages of one conversation posted together as one note when several"
                                + " are waiting (one note instead of one per message, in order; files together at"
                                + " most Freshdesk's 20 MB per note). 1 posts every message as its own note")
                        .validatedBy(Validator.range(1, 100)))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("30s")
                        .describedAs("how long to wait for each Freshdesk API call")
                        .validatedBy(FreshdeskType::positive))
                .define(Setting.of(MAX_ATTACHMENT_BYTES, SettingType.LONG).withDefault(FRESHDESK_ATTACHMENT_LIMIT)
                        .describedAs("largest file uploaded to or downloaded from Freshdesk (Freshdesk allows 20 MB"
                                + " per ticket or note in total)")
                        .validatedBy(Validator.range(1, FRESHDESK_ATTACHMENT_LIMIT)))
                .define(Setting.of(SATISFACTION_RATINGS, SettingType.BOOLEAN).withDefault(true)
                        .describedAs("write a customer's 1-5 survey rating from the hub as the ticket's Freshdesk"
                                + " satisfaction rating (POST /api/v2/tickets/{id}/satisfaction_ratings; needs"
                                + " customer satisfaction surveys enabled); the note and the csat tags go anyway"))
                .define(Setting.of(SATISFACTION_SCALE, SettingType.INT).withDefault(3)
                        .describedAs("points of the account's satisfaction survey: 3 (the classic survey: 1-2 are"
                                + " unhappy -103, 3 neutral 100, 4-5 happy 103), 5 or 7 (custom surveys: 1 -103,"
                                + " 2 -102, 3 100, 4 102, 5 103)")
                        .validatedBy(v -> java.util.Set.of(3, 5, 7).contains((Integer) v) ? Optional.empty()
                                : Optional.of("must be 3, 5 or 7")))
                .define(Setting.of(PORTAL_URL, SettingType.URL)
                        .describedAs("the customer portal's address when it is not baseUrl (a custom portal"
                                + " domain): help-center articles link to <portalUrl>/support/solutions/articles/<id>"));
    }

    /**
     * What a route may set on the tickets it opens here: {@code group}, the ticket's {@code group_id} (API v2,
     * "Create a Ticket": group_id is a number). Follow-ups never move a ticket.
     */
    @Override
    public ConfigDef assignment() {
        return assignmentDef();
    }

    static ConfigDef assignmentDef() {
        return ConfigDef.create()
                .define(DeskAssignment.groupId(GROUP, "Freshdesk",
                        "the number in the group's URL under Admin > Groups, or the id from GET /api/v2/groups"));
    }

    @Override
    public Connector create() {
        return new FreshdeskConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }

    static Optional<String> customFieldName(Object value) {
        return String.valueOf(value).matches("cf_[a-z0-9_]+") ? Optional.empty()
                : Optional.of("must be a Freshdesk custom field API name such as cf_omnibridge_conversation_id");
    }
}
