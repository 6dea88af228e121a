package dev.omnibridge.connector.salesforce;

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
 * The {@code salesforce} connector type: Salesforce Service Cloud as the help desk. Messages become Cases (upserted
 * by the hub conversation id) and CaseComments; agents' published comments and closed cases come back by polling
 * the REST query API, optionally nudged by a signed "poll now" webhook. Setup: connectors/salesforce/README.md.
 */
@Extension
public final class SalesforceType implements ConnectorType {
    public static final String NAME = "salesforce";

    static final String BASE_URL = "baseUrl";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String API_VERSION = "apiVersion";
    static final String CONTACT_ID_FIELD = "contactExternalIdField";
    static final String CASE_ID_FIELD = "caseExternalIdField";
    static final String CASE_STATUS = "caseStatus";
    static final String CASE_ORIGIN = "caseOrigin";
    static final String URGENT_PRIORITY = "urgentPriority";
    static final String TAGS_FIELD = "tagsField";
    static final String REQUESTS_PER_MINUTE = "requestsPerMinute";
    static final String API_RESERVE = "apiReservePercent";
    static final String TIMEOUT = "timeout";
    static final String MAX_ATTACHMENT_BYTES = "maxAttachmentBytes";
    static final String POLL_INTERVAL = "pollInterval";
    static final String WEBHOOK_SECRET = "webhookSecret";
    static final String WEBHOOK_TOLERANCE = "webhookTolerance";
    static final String ALLOW_DUPLICATE_CONTACTS = "allowDuplicateContacts";
    static final String PHONE_REGION = "phoneRegion";
    static final String CONTACT_EMAILS = "contactEmails";
    static final String REPLY_OVERLAP = "replyOverlap";
    static final String MAX_BATCH = "maxBatch";
    static final String ERASE_CONTACTS = "eraseContacts";
    /** Records one sObject Collections request takes (REST API Developer Guide, "sObject Collections"). */
    static final int COLLECTIONS_LIMIT = 200;

    /** Custom field API names: letters, digits and single underscores, ending in {@code __c}. */
    private static final Pattern CUSTOM_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*__c");
    /** 37.5 MB of base64 is the REST limit for a non-multipart blob insert; that is about 29.4 MB of bytes. */
    static final long MAX_BASE64_UPLOAD_BYTES = 29_000_000L;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Salesforce Service Cloud: Cases and CaseComments out, agents' published comments and closed cases in";
    }

    /** Assignment key: the queue a new Case goes to (its {@code OwnerId}). */
    static final String QUEUE = "queue";
    /** A Queue is a Group record: its id has the Group key prefix 00G, 15 or 18 characters. */
    private static final Pattern QUEUE_ID = Pattern.compile("00G[A-Za-z0-9]{12}([A-Za-z0-9]{3})?");

    /**
     * What a route may set on the Cases it opens here: {@code queue}, the Case's {@code OwnerId} (Case object
     * reference: OwnerId refers to a User or a Group; a queue is a Group of type Queue, id prefix 00G). Follow-ups never
     * move a Case.
     */
    @Override
    public ConfigDef assignment() {
        return assignmentDef();
    }

    static ConfigDef assignmentDef() {
        return ConfigDef.create()
                .define(Setting.of(QUEUE, SettingType.STRING)
                        .describedAs("Salesforce queue id for new Cases (Case OwnerId): SELECT Id FROM Group WHERE "
                                + "Type = 'Queue' AND DeveloperName = '...'; the queue must support the Case object")
                        .validatedBy(v -> QUEUE_ID.matcher(String.valueOf(v)).matches() ? Optional.empty()
                                : Optional.of("must be a Salesforce queue id: 15 or 18 letters and digits starting "
                                + "with 00G (a Group of type Queue), was '" + v + "'")));
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(BASE_URL, SettingType.URL).required()
                        .describedAs("the org's My Domain URL, e.g. https://acme.my.salesforce.com"))
                .define(Setting.of(CLIENT_ID, SettingType.STRING).required()
                        .describedAs("consumer key of the connected app with the client credentials flow"))
                .define(Setting.of(CLIENT_SECRET, SettingType.STRING).required().secret()
                        .describedAs("consumer secret of that connected app"))
                .define(Setting.of(API_VERSION, SettingType.STRING).withDefault("v61.0")
                        .describedAs("REST API version, vNN.N")
                        .validatedBy(matches(Pattern.compile("v\\d{2,3}\\.0"), "must look like v61.0")))
                .define(Setting.of(CONTACT_ID_FIELD, SettingType.STRING).withDefault("Omnibridge_Contact_Id__c")
                        .describedAs("Contact external id field holding the hub contact id")
                        .validatedBy(matches(CUSTOM_FIELD, "must be a custom field API name ending in __c")))
                .define(Setting.of(CASE_ID_FIELD, SettingType.STRING).withDefault("Omnibridge_Conversation_Id__c")
                        .describedAs("Case external id field holding the hub conversation id")
                        .validatedBy(matches(CUSTOM_FIELD, "must be a custom field API name ending in __c")))
                .define(Setting.of(CASE_STATUS, SettingType.STRING).withDefault("New")
                        .describedAs("Status of a new Case").validatedBy(Validator.nonEmpty()))
                .define(Setting.of(CASE_ORIGIN, SettingType.STRING)
                        .describedAs("Origin of a new Case; default: the channel type, e.g. email or webhook-channel"))
                .define(Setting.of(URGENT_PRIORITY, SettingType.STRING).withDefault("High")
                        .describedAs("Case Priority for URGENT messages (LOW, NORMAL, HIGH map to Low, Medium, High)")
                        .validatedBy(Validator.nonEmpty()))
                .define(Setting.of(TAGS_FIELD, SettingType.STRING)
                        .describedAs("optional Case text field that receives the tags (omnibridge channel-... lang-...)")
                        .validatedBy(matches(CUSTOM_FIELD, "must be a custom field API name ending in __c")))
                .define(Setting.of(REQUESTS_PER_MINUTE, SettingType.INT).withDefault(60)
                        .describedAs("pace of API calls; Salesforce counts calls per 24 hours per org")
                        .validatedBy(Validator.range(1, 10_000)))
                .define(Setting.of(API_RESERVE, SettingType.INT).withDefault(10)
                        .describedAs("share of the org's daily API requests (Sforce-Limit-Info) left to the rest of the"
                                + " org: below it calls are spaced to last the day and idle polls slow to every 15m")
                        .validatedBy(Validator.range(0, 90)))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("30s")
                        .describedAs("how long to wait for one API answer").validatedBy(SalesforceType::positive))
                .define(Setting.of(MAX_ATTACHMENT_BYTES, SettingType.LONG).withDefault(25L * 1024 * 1024)
                        .describedAs("largest file uploaded as a ContentVersion")
                        .validatedBy(Validator.range(1, MAX_BASE64_UPLOAD_BYTES)))
                .define(Setting.of(POLL_INTERVAL, SettingType.DURATION).withDefault("30s")
                        .describedAs("how often to look for agents' comments and closed cases")
                        .validatedBy(SalesforceType::positive))
                .define(Setting.of(WEBHOOK_SECRET, SettingType.STRING).secret()
                        .describedAs("shared secret of the signed poll-now webhook; without it the hook is off"))
                .define(Setting.of(WEBHOOK_TOLERANCE, SettingType.DURATION).withDefault("5m")
                        .describedAs("how old a poll-now hint's sentAt may be").validatedBy(SalesforceType::positive))
                // true: the hub has already looked the customer up by email and phone, so what a duplicate rule
                // still flags is a fuzzy (e.g. name) match that may be another person; saving the hub's own
                // Contact is safer than attaching one customer's Case to someone else's record.
                .define(Setting.of(ALLOW_DUPLICATE_CONTACTS, SettingType.BOOLEAN).withDefault(true)
                        .describedAs("send Sforce-Duplicate-Rule-Header allowSave=true when creating a Contact, so "
                                + "duplicate rules that only alert don't refuse it"))
                .define(Setting.of(PHONE_REGION, SettingType.STRING).withDefault("US")
                        .describedAs("ISO 3166 country code for numbers stored in Salesforce without a country code, "
                                + "e.g. (415) 555-1212 in the US or 07700 900123 in GB")
                        .validatedBy(PhoneNumbers::checkRegion))
                .define(Setting.of(CONTACT_EMAILS, SettingType.BOOLEAN).withDefault(false)
                        .describedAs("put the customer's email address on Contacts the hub creates; off because "
                                + "Salesforce then emails the customer agents' replies the hub already sends"))
                .define(Setting.of(REPLY_OVERLAP, SettingType.DURATION).withDefault("5m")
                        .describedAs("how far behind the newest agent comment or email each poll starts again, so a "
                                + "record a slow trigger or flow committed late is still read (re-read records are "
                                + "sent once: the hub dedupes by record id)")
                        .validatedBy(SalesforceType::overlap))
                .define(Setting.of(MAX_BATCH, SettingType.INT).withDefault(COLLECTIONS_LIMIT)
                        .describedAs("most follow-up messages of one Case made into CaseComments by one sObject "
                                + "Collections request (POST /composite/sobjects, at most 200, one API request); "
                                + "1 = one request per comment")
                        .validatedBy(Validator.range(1, COLLECTIONS_LIMIT)))
                // Off by default: a Contact is a CRM record other teams may rely on (opportunities, campaigns), so
                // deleting it when the hub erases a customer is the org's decision.
                .define(Setting.of(ERASE_CONTACTS, SettingType.BOOLEAN).withDefault(false)
                        .describedAs("when the hub erases a customer, delete the Cases of their conversations and the "
                                + "Contact the hub used for them (Salesforce keeps deleted records in the Recycle Bin "
                                + "for 15 days); off: the erasure reports Salesforce as not erased"));
    }

    @Override
    public Connector create() {
        return new SalesforceConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }

    /** Longer than zero (else late commits are missed again), at most an hour (each poll re-reads the window). */
    static Optional<String> overlap(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0
                ? Optional.of("must be longer than zero and at most 1h") : Optional.empty();
    }

    private static Validator matches(Pattern pattern, String problem) {
        return v -> pattern.matcher(String.valueOf(v)).matches() ? Optional.empty() : Optional.of(problem);
    }
}
