package dev.omnibridge.hub.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Short notices from this node to the other nodes (PostgreSQL LISTEN/NOTIFY): "rows for target X are in the
 * outbox", "a frame for live chat visitor K". A node never hears its own notices; a single node's bus is silent.
 * Payloads of any size (large ones travel through a table); a listener that reconnects catches up on what it missed
 * for a few minutes. Never put secrets or customer text in a topic that is logged.
 */
public interface Bus {
    /** Topics in use; names are 1-40 lowercase letters, digits or '_'. */
    String OUTBOX = "outbox";
    String LIVE = "live";
    String CONFIG = "config";
    String KNOWLEDGE = "knowledge";

    /** Sent to the other nodes when (and only if) the transaction of {@code c} commits. */
    void publish(Connection c, String topic, String payload) throws SQLException;

    /** Sent to the other nodes now (its own short transaction). */
    void publish(String topic, String payload);

    /** {@code handler} gets each payload of {@code topic} published by another node, on the bus's thread. */
    void subscribe(String topic, Consumer<String> handler);
}
