package dev.omnibridge.connector.salesforce;

import java.time.Duration;
import java.time.Instant;

/**
 * Where the next reply poll starts. A record's SystemModstamp is set when it is saved, but it only becomes visible
 * when its transaction commits: a slow trigger, flow or the email send can commit it seconds or minutes later, after
 * a poll has already read records with later stamps. So the cursor stays {@code overlap} behind the newest stamp
 * seen; records re-read inside that window are dropped by the hub by record id (and within a process before they are
 * submitted again). Salesforce's own stamps are used, never the hub's clock, so clock skew between the two does not
 * move the window.
 */
final class ReplyCursor {
    private ReplyCursor() {
    }

    /**
     * @param since    the cursor the poll started from
     * @param newest   the newest stamp the poll read (or {@code since} when it read nothing)
     * @param complete whether the poll read everything after {@code since} (it stopped below its LIMIT)
     * @return the next cursor, never before {@code since}
     */
    static Instant next(Instant since, Instant newest, boolean complete, Duration overlap) {
        Instant lagged = newest.minus(overlap);
        if (lagged.isAfter(since)) {
            return lagged;
        }
        if (!complete && newest.isAfter(since)) {
            // More records inside one overlap window than one poll reads: move on without the lag rather than read
            // the same page forever. Only then can a late commit inside that window be missed.
            return newest;
        }
        return since;
    }
}
