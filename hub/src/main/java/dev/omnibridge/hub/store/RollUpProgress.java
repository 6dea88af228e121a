package dev.omnibridge.hub.store;

import org.slf4j.Logger;

/**
 * What a journal roll-up says in the log when it starts on rows stored before it ran (a store upgraded with history,
 * caught up {@code passLimit} rows a pass) and when it has caught up, with how many rows and how long: an operator
 * sees why figures come slower for a while, and the bench times the catch-up from the second line. Writer thread only.
 */
final class RollUpProgress {
    private final Logger log;
    private final String rows;
    private final int passLimit;
    private long catchingUpSince;
    private long caughtUp;

    /** @param rows what the roll-up reads, plural ("messages"): the log lines name it */
    RollUpProgress(Logger log, String rows, int passLimit) {
        this.log = log;
        this.rows = rows;
        this.passLimit = passLimit;
    }

    /** After a pass that looked at {@code seen} rows; a full pass means more are waiting. */
    int passed(int seen, AfterCommit after) {
        if (seen >= passLimit && catchingUpSince == 0) {
            catchingUpSince = System.nanoTime();
            caughtUp = 0;
            log.info("Analytics roll-up: catching up with the {} stored before it ran", rows);
        }
        if (catchingUpSince != 0) {
            caughtUp += seen;
            if (seen < passLimit) {
                long ms = (System.nanoTime() - catchingUpSince) / 1_000_000;
                long total = caughtUp;
                catchingUpSince = 0;
                after.run(() -> log.info("Analytics roll-up caught up: {} {} in {} ms", total, rows, ms));
            }
        }
        return seen;
    }
}
