package dev.omnibridge.connector.hubspot;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code hubspot} connector type: HubSpot (Service Hub) as the help desk. Tickets and notes go out through the
 * CRM API with a private app token; agents' replies and closed tickets come back through the app's signed (v3)
 * webhooks. Setup: connectors/hubspot/README.md.
 */
@Extension
public final class HubSpotType implements ConnectorType {
    public static final String NAME = "hubspot";
    private static final Pattern PROPERTY_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "HubSpot help desk: tickets and notes through the CRM API, agents' replies by signed webhooks";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(HubSpotSettings.ACCESS_TOKEN, SettingType.STRING).required().secret()
                        .describedAs("private app access token (sent as Bearer)"))
                .define(Setting.of(HubSpotSettings.CLIENT_SECRET, SettingType.STRING).required().secret()
                        .describedAs("the app's client secret; checks X-HubSpot-Signature-v3 on webhooks"))
                .define(Setting.of(HubSpotSettings.BASE_URL, SettingType.URL).withDefault("https://api.hubapi.com")
                        .describedAs("HubSpot API base URL"))
                .define(Setting.of(HubSpotSettings.WEBHOOK_URL, SettingType.URL)
                        .describedAs("the public URL HubSpot posts webhooks to (default: the hub's "
                                + "<publicUrl>/hooks/<id>); signatures are computed over it"))
                .define(Setting.of(HubSpotSettings.PIPELINE, SettingType.STRING).withDefault("0")
                        .validatedBy(Validator.nonEmpty())
                        .describedAs("ticket pipeline id (0 = the default support pipeline)"))
                .define(Setting.of(HubSpotSettings.OPEN_STAGE, SettingType.STRING).withDefault("1")
                        .validatedBy(Validator.nonEmpty())
                        .describedAs("pipeline stage id new tickets get (1 = 'New' in the default pipeline)"))
                .define(Setting.of(HubSpotSettings.CLOSED_STAGES, SettingType.LIST).withDefault("4")
                        .validatedBy(Validator.nonEmpty())
                        .describedAs("stage ids that mean solved (4 = 'Closed' in the default pipeline)"))
                .define(Setting.of(HubSpotSettings.CONVERSATION_ID_PROPERTY, SettingType.STRING)
                        .withDefault("omnibridge_conversation_id").validatedBy(HubSpotType::propertyName)
                        .describedAs("custom ticket property with unique values holding the hub conversation id"))
                .define(Setting.of(HubSpotSettings.CONTACT_ID_PROPERTY, SettingType.STRING)
                        .withDefault("omnibridge_contact_id").validatedBy(HubSpotType::propertyName)
                        .describedAs("custom contact property with unique values holding the hub contact id "
                                + "(for customers without an email address)"))
                .define(Setting.of(HubSpotSettings.TAGS_PROPERTY, SettingType.STRING).withDefault("omnibridge_tags")
                        .describedAs("custom ticket property (single-line text) for the tags; 'none' to leave out"))
                .define(Setting.of(HubSpotSettings.FILE_FOLDER, SettingType.STRING).withDefault("/omnibridge")
                        .describedAs("File Manager folder for customers' files"))
                .define(Setting.of(HubSpotSettings.REQUESTS_PER_MINUTE, SettingType.INT).withDefault(600)
                        .validatedBy(Validator.range(6, 100_000))
                        .describedAs("request budget; paced per 10 s window (HubSpot private apps: 100 per 10 s)"))
                .define(Setting.of(HubSpotSettings.TIMEOUT, SettingType.DURATION).withDefault("30s")
                        .validatedBy(HubSpotType::positive).describedAs("HTTP timeout for HubSpot calls"))
                .define(Setting.of(HubSpotSettings.MAX_ATTACHMENT_BYTES, SettingType.LONG).withDefault(20_971_520L)
                        .validatedBy(Validator.range(1, 2_000_000_000L))
                        .describedAs("largest file uploaded to or downloaded from HubSpot"))
                // HubSpot's object batch endpoints take at most 100 inputs per request ("Using object APIs", Limits).
                .define(Setting.of(HubSpotSettings.MAX_BATCH, SettingType.INT).withDefault(HubSpotApi.BATCH_LIMIT)
                        .validatedBy(Validator.range(1, HubSpotApi.BATCH_LIMIT))
                        .describedAs("most follow-up messages of one ticket created as notes in one batch request "
                                + "(POST /crm/v3/objects/notes/batch/create, at most 100); 1 = one request per note"));
    }

    /** Assignment keys: where a route puts the tickets it opens here. */
    static final String ASSIGN_PIPELINE = "pipeline";
    static final String ASSIGN_STAGE = "stage";
    static final String ASSIGN_OWNER = "owner";

    /**
     * What a route may set on the tickets it opens here (CRM tickets API, ticket properties): {@code pipeline} as
     * {@code hs_pipeline}, {@code stage} as {@code hs_pipeline_stage}, {@code owner} as {@code hubspot_owner_id}.
     * Stage ids belong to their pipeline, so a route that names a pipeline must name its stage too; a stage alone is
     * one of the instance's {@code pipeline}. Follow-ups never move a ticket.
     */
    @Override
    public ConfigDef assignment() {
        return assignmentDef();
    }

    static ConfigDef assignmentDef() {
        return ConfigDef.create()
                .define(Setting.of(ASSIGN_PIPELINE, SettingType.STRING).validatedBy(HubSpotType::internalId)
                        .describedAs("ticket pipeline id (hs_pipeline) for new tickets: Settings > Objects > Tickets "
                                + "> Pipelines, or GET /crm/v3/pipelines/tickets; needs stage")
                        )
                .define(Setting.of(ASSIGN_STAGE, SettingType.STRING).validatedBy(HubSpotType::internalId)
                        .describedAs("the pipeline stage id (hs_pipeline_stage) new tickets start in; without "
                                + "pipeline, a stage of the instance's pipeline"))
                .define(Setting.of(ASSIGN_OWNER, SettingType.STRING)
                        .validatedBy(v -> String.valueOf(v).matches("[0-9]+") ? Optional.empty()
                                : Optional.of("must be a HubSpot owner id (digits, the id from GET /crm/v3/owners), "
                                + "was '" + v + "'"))
                        .describedAs("owner id (hubspot_owner_id) of new tickets: GET /crm/v3/owners"))
                .check(ASSIGN_STAGE, s -> s.has(ASSIGN_PIPELINE) && !s.has(ASSIGN_STAGE)
                        ? Optional.of("a route that sets pipeline must set its stage too: stage ids belong to their "
                        + "pipeline (GET /crm/v3/pipelines/tickets/" + s.string(ASSIGN_PIPELINE) + "/stages)")
                        : Optional.empty());
    }

    /** A pipeline or stage id: HubSpot's internal value, no spaces (the label is not the id). */
    static Optional<String> internalId(Object value) {
        String v = String.valueOf(value);
        return !v.isBlank() && v.matches("[A-Za-z0-9_-]+") ? Optional.empty()
                : Optional.of("must be a HubSpot internal id (e.g. 0 or 1234567), not a label; was '" + v + "'");
    }

    @Override
    public Connector create() {
        return new HubSpotConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }

    /** HubSpot internal property names: lower case, digits, underscores. */
    static Optional<String> propertyName(Object value) {
        return PROPERTY_NAME.matcher(String.valueOf(value)).matches() ? Optional.empty()
                : Optional.of("must be a HubSpot internal property name (lower case letters, digits, underscores)");
    }
}
