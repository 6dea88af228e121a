package dev.omnibridge.live;

/**
 * A WebSocket the hub accepted for a connector (see {@link dev.omnibridge.spi.Connector#onSocket}). Lets a
 * browser-facing channel push agent replies the moment they are delivered instead of being polled.
 */
public interface LiveSocket {
    /** Queues a text frame; never blocks. Returns false when the socket is already closed. */
    boolean send(String text);

    /** Closes the socket with a WebSocket close code (e.g. 4403 for a token that no longer grants access). */
    void close(int code, String reason);

    boolean isOpen();

    /** What the connector does with the socket's traffic. Calls for one socket come one at a time, in order. */
    interface Listener {
        /** A text frame from the client. Runs on a worker thread, so it may block briefly (e.g. to store). */
        void onText(String text);

        /** The socket closed, from either side or because the instance stopped. */
        default void onClose() {
        }
    }
}
