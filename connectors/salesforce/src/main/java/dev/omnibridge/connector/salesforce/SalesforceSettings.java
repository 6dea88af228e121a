package dev.omnibridge.connector.salesforce;

import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** An instance's settings, typed once at start. */
record SalesforceSettings(URI baseUrl, String clientId, Secret clientSecret, String apiVersion,
                          String contactIdField, String caseIdField, String caseStatus, Optional<String> caseOrigin,
                          String urgentPriority, Optional<String> tagsField, int requestsPerMinute, Duration timeout,
                          long maxAttachmentBytes, Duration pollInterval, Optional<Secret> webhookSecret,
                          Duration webhookTolerance, boolean allowDuplicateContacts, String phoneRegion,
                          boolean contactEmails, Duration replyOverlap, int apiReservePercent, int maxBatch,
                          boolean eraseContacts) {

    static SalesforceSettings from(Settings s) {
        return new SalesforceSettings(s.url(SalesforceType.BASE_URL), s.string(SalesforceType.CLIENT_ID),
                s.secret(SalesforceType.CLIENT_SECRET), s.string(SalesforceType.API_VERSION),
                s.string(SalesforceType.CONTACT_ID_FIELD), s.string(SalesforceType.CASE_ID_FIELD),
                s.string(SalesforceType.CASE_STATUS), s.optionalString(SalesforceType.CASE_ORIGIN),
                s.string(SalesforceType.URGENT_PRIORITY), s.optionalString(SalesforceType.TAGS_FIELD),
                s.integer(SalesforceType.REQUESTS_PER_MINUTE), s.duration(SalesforceType.TIMEOUT),
                s.longValue(SalesforceType.MAX_ATTACHMENT_BYTES), s.duration(SalesforceType.POLL_INTERVAL),
                Optional.ofNullable(s.has(SalesforceType.WEBHOOK_SECRET)
                        ? s.secret(SalesforceType.WEBHOOK_SECRET) : null),
                s.duration(SalesforceType.WEBHOOK_TOLERANCE), s.bool(SalesforceType.ALLOW_DUPLICATE_CONTACTS),
                s.string(SalesforceType.PHONE_REGION), s.bool(SalesforceType.CONTACT_EMAILS),
                s.duration(SalesforceType.REPLY_OVERLAP), s.integer(SalesforceType.API_RESERVE),
                s.integer(SalesforceType.MAX_BATCH), s.bool(SalesforceType.ERASE_CONTACTS));
    }

    /** sObject Collections (one request for many records) exist from API version 42.0. */
    boolean hasCollections() {
        String v = apiVersion.startsWith("v") ? apiVersion.substring(1) : apiVersion;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot)) >= 42;
        } catch (NumberFormatException notAVersion) {
            return false;
        }
    }

    /** Follow-ups made into comments by one request: 1 without sObject Collections. */
    int commentsPerRequest() {
        return hasCollections() ? maxBatch : 1;
    }
}
