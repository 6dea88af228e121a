package dev.omnibridge.hub.cluster;

import java.time.Instant;

/** A node as the store knows it from its heartbeats. */
public record NodeView(String nodeId, Instant startedAt, Instant heartbeatAt, boolean alive, boolean stopping,
                       String advertisedUrl, String version, String health) {
}
