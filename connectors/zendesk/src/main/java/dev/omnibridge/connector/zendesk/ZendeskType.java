package dev.omnibridge.connector.zendesk;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.deskkit.DeskAssignment;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code zendesk} connector type: Zendesk Support as a help desk. Tickets and comments out through the Ticketing
 * API (API token auth), agents' public comments and ticket status back through a signed Zendesk webhook that a
 * trigger fires. Setup: connectors/zendesk/README.md.
 */
@Extension
public final class ZendeskType implements ConnectorType {
    public static final String NAME = "zendesk";

    static final String BASE_URL = "baseUrl";
    static final String EMAIL = "email";
    static final String API_TOKEN = "apiToken";
    static final String WEBHOOK_SECRET = "webhookSigningSecret";
    static final String SIGNATURE_TOLERANCE = "signatureTolerance";
    static final String REQUESTS_PER_MINUTE = "requestsPerMinute";
    static final String TICKET_UPDATES = "ticketUpdatesPer10Minutes";
    static final String BATCH_BELOW = "batchWhenUpdatesLeft";
    static final String MESSAGES_PER_COMMENT = "messagesPerComment";
    static final String TIMEOUT = "timeout";
    static final String MAX_ATTACHMENT_BYTES = "maxAttachmentBytes";
    static final String ERASE_TICKETS = "eraseTickets";
    static final String HELP_CENTER_LOCALES = "helpCenterLocales";
    /** Assignment key: the Zendesk group a new ticket goes to (ticket {@code group_id}). */
    static final String GROUP = "group";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Zendesk Support: tickets and comments out, agents' public comments and solved tickets back by signed webhook";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(BASE_URL, SettingType.URL).required()
                        .describedAs("the Zendesk account URL, e.g. https://acme.zendesk.com"))
                .define(Setting.of(EMAIL, SettingType.STRING).required()
                        .describedAs("email of the Zendesk agent/admin the API token belongs to (the API user)")
                        .validatedBy(v -> ((String) v).contains("@") ? Optional.empty()
                                : Optional.of("must be an email address")))
                .define(Setting.of(API_TOKEN, SettingType.STRING).required().secret()
                        .describedAs("Zendesk API token (Admin Center > Apps and integrations > Zendesk API)"))
                .define(Setting.of(WEBHOOK_SECRET, SettingType.STRING).required().secret()
                        .describedAs("the Zendesk webhook's signing secret, checks X-Zendesk-Webhook-Signature"))
                .define(Setting.of(SIGNATURE_TOLERANCE, SettingType.DURATION).withDefault("5m")
                        .describedAs("how far X-Zendesk-Webhook-Signature-Timestamp may be from now (replay guard)")
                        .validatedBy(ZendeskType::positive))
                .define(Setting.of(REQUESTS_PER_MINUTE, SettingType.INT).withDefault(200)
                        .describedAs("requests per minute this instance sends at most; Zendesk's plan limits start at 200")
                        .validatedBy(ZendeskType::positiveInt))
                .define(Setting.of(TICKET_UPDATES, SettingType.INT).withDefault(30)
                        .describedAs("updates per ticket per 10 minutes Zendesk allows one user (documented: 30)")
                        .validatedBy(ZendeskType::positiveInt))
                .define(Setting.of(BATCH_BELOW, SettingType.INT).withDefault(5)
                        .describedAs("when a ticket has this many updates left in its 10-minute window, pending "
                                + "customer messages of the conversation are posted together as one comment")
                        .validatedBy(v -> (Integer) v < 0 ? Optional.of("must not be negative") : Optional.empty()))
                .define(Setting.of(MESSAGES_PER_COMMENT, SettingType.INT).withDefault(20)
                        .describedAs("most customer messages of one conversation posted together as one comment "
                                + "(one ticket update) when several are waiting; Zendesk allows 30 updates per "
                                + "ticket per 10 minutes, so a busy conversation needs several messages per update. "
                                + "1 posts every message as its own comment")
                        .validatedBy(dev.omnibridge.config.Validator.range(1, 100)))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("30s")
                        .describedAs("how long to wait for a Zendesk API answer")
                        .validatedBy(ZendeskType::positive))
                .define(Setting.of(MAX_ATTACHMENT_BYTES, SettingType.LONG).withDefault(50L * 1024 * 1024)
                        .describedAs("largest file uploaded to or downloaded from Zendesk (Zendesk's limit: 50 MB)")
                        .validatedBy(v -> (Long) v <= 0 ? Optional.of("must be positive") : Optional.empty()))
                .define(Setting.of(ERASE_TICKETS, SettingType.BOOLEAN).withDefault(true)
                        .describedAs("when the hub erases a customer, also delete and permanently delete the tickets "
                                + "of their conversations (their messages are personal data); off keeps the tickets, "
                                + "whose requester then shows as a permanently deleted user"))
                .define(Setting.of(HELP_CENTER_LOCALES, SettingType.LIST).withDefault(java.util.List.of())
                        .describedAs("help-center locales whose articles feed the hub's knowledge base "
                                + "(knowledge.sync), e.g. [en-us, de]; empty reads every locale the help center has "
                                + "enabled (GET /api/v2/help_center/locales)"));
    }

    /**
     * What a route may set on the tickets it opens here: {@code group}, the ticket's {@code group_id} (Tickets API;
     * Groups API: a group's {@code id} is an integer). Follow-ups never move a ticket: agents and Zendesk's own
     * triggers may have reassigned it since.
     */
    @Override
    public ConfigDef assignment() {
        return assignmentDef();
    }

    static ConfigDef assignmentDef() {
        return ConfigDef.create()
                .define(DeskAssignment.groupId(GROUP, "Zendesk",
                        "the number at the end of the group's URL in Admin Center > People > Team > Groups, "
                                + "e.g. 360000123456"));
    }

    @Override
    public Connector create() {
        return new ZendeskConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }

    static Optional<String> positiveInt(Object value) {
        return (Integer) value <= 0 ? Optional.of("must be positive") : Optional.empty();
    }
}
