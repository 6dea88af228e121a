package dev.omnibridge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The desk and the channel's callback in one minimal Vert.x server that answers at once, so it is never the
 * bottleneck: {@code POST /desk} answers 201 with a ticketRef derived from the thread key, {@code POST /replies}
 * answers 200. Each arrival is recorded by its correlation key (first one wins: retries do not count twice).
 */
public final class DeskStub implements AutoCloseable {
    private static final Pattern THREAD_KEY = Pattern.compile("\"threadKey\"\\s*:\\s*\"([^\"]*)\"");
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpServer server;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong deskCalls = new AtomicLong();
    private final AtomicLong callbackCalls = new AtomicLong();

    public DeskStub() {
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    public String deskUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/desk";
    }

    public String callbackUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/replies";
    }

    /** {@link System#nanoTime()} of the first delivery carrying the key, or null. */
    public Long arrival(String key) {
        return arrivals.get(key);
    }

    public long deskCalls() {
        return deskCalls.get();
    }

    public long callbackCalls() {
        return callbackCalls.get();
    }

    public int distinctArrivals() {
        return arrivals.size();
    }

    /** Forget recorded arrivals between runs (the counters keep counting). */
    public void clear() {
        arrivals.clear();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buffer -> {
            long now = System.nanoTime();
            String body = buffer.toString();
            Matcher key = Payloads.KEY.matcher(body);
            if (key.find()) {
                arrivals.putIfAbsent(key.group(), now);
            }
            if (req.path().endsWith("/replies")) {
                callbackCalls.incrementAndGet();
                req.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end("{\"id\":\"cb-" + callbackCalls.get() + "\"}");
                return;
            }
            deskCalls.incrementAndGet();
            Matcher thread = THREAD_KEY.matcher(body);
            String ticketRef = Payloads.ticketRefFor(thread.find() ? thread.group(1) : "unknown");
            req.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                    .end("{\"ticketRef\":\"" + ticketRef + "\",\"itemId\":\"i-" + deskCalls.get() + "\"}");
        });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }
}
