package dev.omnibridge.hub.cluster;

/**
 * A bus that can say whether it hears the other nodes right now (its listening connection is open), for
 * {@code /health} and the console. A bus that does not implement it (a single node's silent one) has nothing to
 * hear.
 */
public interface BusStatus {
    boolean isUp();
}
