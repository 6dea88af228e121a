package dev.omnibridge.connector.hubspot;

import dev.omnibridge.deskkit.DeskResponse;
import dev.omnibridge.spi.ConnectorContext;

import java.util.Optional;

/**
 * The account's daily API budget from HubSpot's answers: {@code X-HubSpot-RateLimit-Daily} (requests allowed per day)
 * and {@code X-HubSpot-RateLimit-Daily-Remaining} (still allowed today), reported to the hub as the
 * {@code daily-api-requests} quota. HubSpot sends them for calls with a private app's token or an API key; OAuth
 * calls have no daily limit and no such headers, and then nothing is reported.
 */
final class HubSpotUsage {
    static final String DAILY = "X-HubSpot-RateLimit-Daily";
    static final String DAILY_REMAINING = "X-HubSpot-RateLimit-Daily-Remaining";
    static final String QUOTA = "daily-api-requests";

    private HubSpotUsage() {
    }

    /** Reports the answer's daily budget, when it carries one. */
    static void report(DeskResponse answer, ConnectorContext context) {
        Optional<Long> limit = number(answer, DAILY);
        Optional<Long> remaining = number(answer, DAILY_REMAINING);
        if (limit.isPresent() && remaining.isPresent() && limit.get() > 0) {
            context.reportQuota(QUOTA, remaining.get(), limit.get());
        }
    }

    private static Optional<Long> number(DeskResponse answer, String header) {
        try {
            return answer.header(header).map(v -> Long.parseLong(v.strip()));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }
}
