package dev.omnibridge.connector.hubspot;

import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One instance's settings, read once at start.
 *
 * @param webhookUrl   the URL HubSpot calls, as HubSpot signs it (configured public URL, else the hub's)
 * @param tagsProperty the ticket property for tags, or null when left out
 * @param maxBatch     follow-ups of one ticket created together in one notes batch create (1: one call each)
 */
record HubSpotSettings(Secret accessToken, Secret clientSecret, URI baseUrl, URI webhookUrl, String pipeline,
                       String openStage, List<String> closedStages, String conversationIdProperty,
                       String contactIdProperty, String tagsProperty, String fileFolder, int requestsPerMinute,
                       Duration timeout, long maxAttachmentBytes, int maxBatch) {
    static final String ACCESS_TOKEN = "accessToken";
    static final String CLIENT_SECRET = "clientSecret";
    static final String BASE_URL = "baseUrl";
    static final String WEBHOOK_URL = "webhookUrl";
    static final String PIPELINE = "pipeline";
    static final String OPEN_STAGE = "openStage";
    static final String CLOSED_STAGES = "closedStages";
    static final String CONVERSATION_ID_PROPERTY = "conversationIdProperty";
    static final String CONTACT_ID_PROPERTY = "contactIdProperty";
    static final String TAGS_PROPERTY = "tagsProperty";
    static final String FILE_FOLDER = "fileFolder";
    static final String REQUESTS_PER_MINUTE = "requestsPerMinute";
    static final String TIMEOUT = "timeout";
    static final String MAX_ATTACHMENT_BYTES = "maxAttachmentBytes";
    static final String MAX_BATCH = "maxBatch";

    static HubSpotSettings from(Settings s, URI hubWebhookUrl) {
        String tags = s.optionalString(TAGS_PROPERTY).map(String::strip)
                .filter(v -> !v.isEmpty() && !"none".equalsIgnoreCase(v)).orElse(null);
        return new HubSpotSettings(s.secret(ACCESS_TOKEN), s.secret(CLIENT_SECRET), s.url(BASE_URL),
                s.optionalUrl(WEBHOOK_URL).orElse(hubWebhookUrl), s.string(PIPELINE), s.string(OPEN_STAGE),
                s.list(CLOSED_STAGES), s.string(CONVERSATION_ID_PROPERTY), s.string(CONTACT_ID_PROPERTY), tags,
                Optional.of(s.string(FILE_FOLDER)).filter(f -> !f.isBlank()).orElse("/omnibridge"),
                s.integer(REQUESTS_PER_MINUTE), s.duration(TIMEOUT), s.longValue(MAX_ATTACHMENT_BYTES),
                s.integer(MAX_BATCH));
    }

    /** Requests per 10-second window: HubSpot counts its burst limit per 10 s, so the pacer must too. */
    int requestsPerTenSeconds() {
        return Math.max(1, requestsPerMinute / 6);
    }

    @Override
    public String toString() {
        return "HubSpotSettings{baseUrl=" + baseUrl + ", webhookUrl=" + webhookUrl + ", pipeline=" + pipeline
                + ", openStage=" + openStage + ", closedStages=" + closedStages + "}";
    }
}
