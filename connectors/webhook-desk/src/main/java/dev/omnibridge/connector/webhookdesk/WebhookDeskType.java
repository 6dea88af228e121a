package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code webhook-desk} connector type: a generic help desk that receives signed desk events and posts agents'
 * replies and ticket status changes back to the hub. Wire format: docs/contracts.md.
 */
@Extension
public final class WebhookDeskType implements ConnectorType {
    public static final String NAME = "webhook-desk";

    static final String URL = "url";
    static final String SECRET = "secret";
    static final String TIMEOUT = "timeout";
    static final String BATCH_SIZE = "batchSize";
    static final String BATCH_ACROSS_TICKETS = "batchAcrossTickets";
    /** The largest batch a receiver can ask for: keeps one request's body (and its answer) of a bounded size. */
    static final int MAX_BATCH_SIZE = 100;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Generic help desk: signed desk events out, agents' replies and status changes in by webhook";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(URL, SettingType.URL).required()
                        .describedAs("where desk events are POSTed"))
                .define(Setting.of(SECRET, SettingType.STRING).required().secret()
                        .describedAs("shared secret for the X-Omnibridge-Signature HMAC, in both directions"))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("10s")
                        .describedAs("how long to wait for the desk's answer")
                        .validatedBy(WebhookDeskType::positive))
                .define(Setting.of(BATCH_SIZE, SettingType.INT).withDefault(1)
                        .validatedBy(Validator.range(1, MAX_BATCH_SIZE))
                        .describedAs("most follow-up messages of one ticket POSTed in one omnibridge.desk-events/v1 "
                                + "request; 1 posts every message on its own (only a receiver that reads the batch "
                                + "form may set more)"))
                .define(Setting.of(BATCH_ACROSS_TICKETS, SettingType.BOOLEAN).withDefault(false)
                        .describedAs("while a request to the desk is in flight, queue other conversations' messages "
                                + "and send them together in the next request (up to batchSize events, several "
                                + "tickets per request, each ticket's events in order); only a receiver that "
                                + "applies such batches in order and answers one results entry per event may turn "
                                + "it on"));
    }

    /**
     * What a route may tell the receiving desk about the ticket a conversation opens: {@code group}, {@code queue}
     * and {@code owner}, free text the desk interprets (its own ids or names). They travel in the event that opens
     * the ticket, as {@code assignment} (README, "Outbound").
     */
    @Override
    public ConfigDef assignment() {
        return ConfigDef.create()
                .define(Setting.of("group", SettingType.STRING).validatedBy(Validator.nonEmpty())
                        .describedAs("the desk's group (team) for the new ticket, as the desk names it"))
                .define(Setting.of("queue", SettingType.STRING).validatedBy(Validator.nonEmpty())
                        .describedAs("the desk's queue for the new ticket, as the desk names it"))
                .define(Setting.of("owner", SettingType.STRING).validatedBy(Validator.nonEmpty())
                        .describedAs("the agent who owns the new ticket, as the desk names them"));
    }

    @Override
    public Connector create() {
        return new WebhookDeskConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }
}
