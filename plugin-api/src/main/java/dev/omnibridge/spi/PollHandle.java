package dev.omnibridge.spi;

/** A source the hub polls for a connector instance ({@link ConnectorContext#poll}). */
public interface PollHandle {
    /** The name the source was registered under (unique per instance; shown in {@code /health}). */
    String name();

    /**
     * Stops polling: a poll waiting on the network is interrupted, one whose result is being stored finishes
     * storing first (acknowledged = stored), and no poll starts after this returns. Idempotent; the hub also stops
     * an instance's sources when the instance stops.
     */
    void stop();
}
