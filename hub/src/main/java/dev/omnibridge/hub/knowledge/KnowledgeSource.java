package dev.omnibridge.hub.knowledge;

import java.time.Instant;

/**
 * Where entries come from and how its last reading went, for {@code /health}, the API and the console.
 *
 * @param name       a file's name, or a desk instance id
 * @param kind       {@code file} or {@code desk}
 * @param entries    how many entries the base holds from it now (the last good reading's, after a failure)
 * @param lastSyncAt when it was last read successfully, or null
 * @param lastError  why the last reading failed, or null when it did not
 * @param state      {@code OK}, {@code FAILED} (the last reading failed; the last good entries are kept) or
 *                   {@code PENDING} (not read yet)
 */
public record KnowledgeSource(String name, String kind, int entries, Instant lastSyncAt, String lastError,
                              State state) {
    public enum State { OK, FAILED, PENDING }

    public static final String FILE = "file";
    public static final String DESK = "desk";
}
