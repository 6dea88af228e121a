package dev.omnibridge.hub.web;

import dev.omnibridge.live.LiveSocket;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * A connector's view of one accepted WebSocket. Frames the connector sends before the upgrade completes are kept
 * and flushed on attach; frames from the client reach the listener one at a time, in order, on the worker pool,
 * and a client that floods faster than the listener keeps up is disconnected rather than queued without bound.
 */
final class VertxLiveSocket implements LiveSocket {
    private static final Logger LOG = LoggerFactory.getLogger(VertxLiveSocket.class);
    static final int MAX_QUEUED_FRAMES = 64;
    private static final short POLICY_VIOLATION = 1008;
    private static final short TRY_AGAIN_LATER = 1013;

    private final String instanceId;
    private final Executor workers;
    private final Queue<String> early = new ArrayDeque<>();
    private final Queue<String> incoming = new ArrayDeque<>();
    private ServerWebSocket ws;
    private Listener listener;
    private boolean closed;
    private boolean draining;
    private Short closeCode;
    private String closeReason;

    VertxLiveSocket(String instanceId, Executor workers) {
        this.instanceId = instanceId;
        this.workers = workers;
    }

    /** Binds the upgraded socket and the connector's listener; from now on frames flow both ways. */
    void attach(ServerWebSocket socket, Listener target) {
        synchronized (this) {
            this.ws = socket;
            this.listener = target;
            String frame;
            while ((frame = early.poll()) != null) {
                socket.writeTextMessage(frame);
            }
            if (closeCode != null) {
                socket.close(closeCode, closeReason);
            }
        }
        socket.textMessageHandler(this::received);
        socket.closeHandler(v -> closed());
        socket.exceptionHandler(e -> LOG.debug("Instance {}: socket error: {}", instanceId, e.getMessage()));
    }

    @Override
    public synchronized boolean send(String text) {
        if (closed || closeCode != null) {
            return false;
        }
        if (ws == null) {
            early.add(text);
            return true;
        }
        if (ws.writeQueueFull()) {
            // A client that does not read its frames would make the hub buffer without bound: it reconnects and
            // fetches what it missed from the history instead.
            close(TRY_AGAIN_LATER, "client is not reading");
            return false;
        }
        ws.writeTextMessage(text);
        return true;
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closed || closeCode != null) {
            return;
        }
        closeCode = (short) code;
        closeReason = reason;
        if (ws != null) {
            ws.close(closeCode, reason);
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed && closeCode == null;
    }

    private void received(String text) {
        boolean start;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (incoming.size() >= MAX_QUEUED_FRAMES) {
                close(POLICY_VIOLATION, "too many frames");
                return;
            }
            incoming.add(text);
            start = !draining;
            draining = true;
        }
        if (start) {
            workers.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            String frame;
            synchronized (this) {
                frame = incoming.poll();
                if (frame == null) {
                    draining = false;
                    return;
                }
            }
            try {
                listener.onText(frame);
            } catch (RuntimeException e) {
                LOG.warn("Instance {}: socket listener failed: {}", instanceId, e.getMessage());
            }
        }
    }

    private void closed() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            incoming.clear();
        }
        workers.execute(() -> {
            try {
                listener.onClose();
            } catch (RuntimeException e) {
                LOG.warn("Instance {}: socket close listener failed: {}", instanceId, e.getMessage());
            }
        });
    }
}
