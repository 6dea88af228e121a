package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.live.LiveSocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A socket that keeps what the connector pushed. */
final class FakeLiveSocket implements LiveSocket {
    final List<String> sent = new CopyOnWriteArrayList<>();
    volatile boolean open = true;
    volatile Integer closeCode;

    @Override
    public boolean send(String text) {
        if (!open) {
            return false;
        }
        sent.add(text);
        return true;
    }

    @Override
    public void close(int code, String reason) {
        open = false;
        closeCode = code;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    List<JsonNode> frames() {
        return sent.stream().map(s -> {
            try {
                return Frames.JSON.readTree(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    List<JsonNode> frames(String type) {
        return frames().stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }
}
