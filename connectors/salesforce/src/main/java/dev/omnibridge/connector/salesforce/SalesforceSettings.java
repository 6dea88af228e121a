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
                          boolean contactEmails, Duration replyOverlap, int apiReservePercent) {

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
                s.duration(SalesforceType.REPLY_OVERLAP), s.integer(SalesforceType.API_RESERVE));
    }
}
