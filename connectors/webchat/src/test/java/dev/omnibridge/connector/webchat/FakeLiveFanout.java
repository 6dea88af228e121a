package dev.omnibridge.connector.webchat;

import dev.omnibridge.live.LiveFanout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** Other hub nodes as one instance sees them: what it published and reported, and what the test says is there. */
final class FakeLiveFanout implements LiveFanout {
    final List<Map.Entry<String, String>> published = new CopyOnWriteArrayList<>();
    final List<String> connected = new CopyOnWriteArrayList<>();
    final List<String> disconnected = new CopyOnWriteArrayList<>();
    volatile BiConsumer<String, String> handler;
    volatile boolean elsewhere;
    volatile Instant lastSeen;

    @Override
    public void publish(String key, String frame) {
        published.add(Map.entry(key, frame));
    }

    @Override
    public void onFrame(BiConsumer<String, String> handler) {
        this.handler = handler;
    }

    @Override
    public void connected(String key) {
        connected.add(key);
    }

    @Override
    public void disconnected(String key) {
        disconnected.add(key);
    }

    @Override
    public void seen(String key) {
    }

    @Override
    public boolean connectedElsewhere(String key) {
        return elsewhere;
    }

    @Override
    public Optional<Instant> lastSeen(String key) {
        return Optional.ofNullable(lastSeen);
    }
}
