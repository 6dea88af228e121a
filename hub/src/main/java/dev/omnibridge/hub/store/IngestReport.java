package dev.omnibridge.hub.store;

import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.Skipped;

import java.util.List;

/**
 * What one ingest stored.
 *
 * @param storedMessageIds hub ids of newly stored messages and replies
 * @param duplicates       items skipped because the same source id was stored before
 * @param skipped          items recorded as not to be forwarded (echo of the hub's own post, unknown ticket, noise,
 *                         dead letters)
 * @param setAside         the connector's skipped items that were newly recorded
 * @param statuses         delivery reports that moved a message forward (late, older reports are left out)
 */
public record IngestReport(List<String> storedMessageIds, int duplicates, int skipped, List<Skipped> setAside,
                           List<DeliveryStatus> statuses) {
    public IngestReport {
        setAside = setAside == null ? List.of() : List.copyOf(setAside);
        statuses = statuses == null ? List.of() : List.copyOf(statuses);
    }
}
