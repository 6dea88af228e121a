package dev.omnibridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The desk and the channel's callback in one minimal Vert.x server that answers at once, so it is never the
 * bottleneck: {@code POST /desk} answers 201 with a ticketRef derived from the thread key, {@code POST /replies}
 * answers 200. Each arrival the stub accepts is recorded by its correlation key (first one wins: retries do not
 * count twice), with its position in its conversation's arrival order (for the order check of the busy phase).
 *
 * <p>Understands the webhook-desk batch form too ({@code {"events":[...]}}, answered {@code {"results":[...]}} in
 * the same order, docs/contracts.md). Two failure modes for the store and backlog phases: {@link #down(boolean)}
 * answers 503 to every desk call, {@link #refuseFirstAttempts(int)} answers 503 to the first attempt of one message
 * in {@code n}, chosen by a hash of its idempotency key (deterministic), so those are redelivered; inside a batch
 * the events before the first refused one are applied and answered (a prefix), as the contract allows.
 */
public final class DeskStub implements AutoCloseable {
    /** One accepted delivery: when, and its place in its conversation's arrival order (1, 2, ...). */
    public record Arrival(long nanos, int position) {
    }

    private static final String AUTO_ACK_TAG = "\"auto-ack\"";
    private static final Pattern THREAD_KEY = Pattern.compile("\"threadKey\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("\"idempotencyKey\"\\s*:\\s*\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The batch form's schema (its single events say omnibridge.desk-event/v1, without the s). */
    private static final String BATCH_SCHEMA = "\"omnibridge.desk-events/v1\"";
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpServer server;
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> positions = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final AtomicLong deskCalls = new AtomicLong();
    private final AtomicLong callbackCalls = new AtomicLong();
    private final AtomicLong refusedCalls = new AtomicLong();
    private final AtomicLong batchCalls = new AtomicLong();
    // Issue 25: accepted arrivals of a key that had arrived before (a repeat under the same idempotency key).
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong firstAcceptedSinceUp = new AtomicLong();
    private final AtomicLong lastAccepted = new AtomicLong();
    private volatile boolean down;
    private volatile int refuseOneIn;
    // Issue 19: one desk call at a time, each taking this long (0: answered at once, in parallel).
    private volatile long paceNanos;
    // When the desk is free again: the end of the last call it took in (paced only).
    private final AtomicLong deskFreeAt = new AtomicLong();

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

    /** {@link System#nanoTime()} of the first accepted delivery carrying the key, or null. */
    /** The arrival key of the automatic acknowledgement of the conversation with this thread key. */
    public static String ackKey(String threadKey) {
        return "ack:" + threadKey;
    }

    public Long arrival(String key) {
        Arrival a = arrivals.get(key);
        return a == null ? null : a.nanos();
    }

    /** The first accepted delivery carrying the key, with its position in its conversation, or null. */
    public Arrival arrivalOf(String key) {
        return arrivals.get(key);
    }

    public long deskCalls() {
        return deskCalls.get();
    }

    public long callbackCalls() {
        return callbackCalls.get();
    }

    /** Desk calls answered 503 by {@link #down(boolean)} or {@link #refuseFirstAttempts(int)}. */
    public long refusedCalls() {
        return refusedCalls.get();
    }

    /** Desk calls in the batch form ({@code {"events":[...]}}). */
    public long batchCalls() {
        return batchCalls.get();
    }

    public int distinctArrivals() {
        return arrivals.size();
    }

    /** Forget recorded arrivals and conversation positions between runs (the counters keep counting). */
    public void clear() {
        arrivals.clear();
        positions.clear();
        refused.clear();
    }

    /**
     * While down, every desk call is answered 503 (no Retry-After) and nothing is recorded. Going up again starts
     * the clock of {@link #firstAcceptedSinceUp()}.
     */
    public void down(boolean isDown) {
        if (!isDown) {
            firstAcceptedSinceUp.set(0);
        }
        this.down = isDown;
    }

    /** {@link System#nanoTime()} of the first accepted desk delivery since the stub last went up, or 0. */
    public long firstAcceptedSinceUp() {
        return firstAcceptedSinceUp.get();
    }

    /** {@link System#nanoTime()} of the latest first arrival of a message (a redelivery does not move it), or 0. */
    public long lastAccepted() {
        return lastAccepted.get();
    }

    /**
     * Paces the desk at {@code requestsPerSecond} (issue 19): it takes one call at a time, each for 1/rate, in the
     * order they come, and a call is answered (and its messages recorded as arrived) when its turn ends; calls that
     * come while it is busy queue. 0 answers every call at once, as before. A change applies to calls from now on.
     */
    public void pace(int requestsPerSecond) {
        paceNanos = requestsPerSecond <= 0 ? 0 : 1_000_000_000L / requestsPerSecond;
    }

    /** Answer 503 to the first attempt of one message in {@code n} (by its idempotency key); 0 turns it off. */
    public void refuseFirstAttempts(int n) {
        this.refuseOneIn = n;
    }

    /** Whether the stub refuses this key's first attempt when {@link #refuseFirstAttempts(int)} is {@code n}. */
    static boolean selected(String idempotencyKey, int n) {
        return n > 0 && Math.floorMod(idempotencyKey.hashCode() * 0x9E3779B9, n) == 0;
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buffer -> {
            long now = System.nanoTime();
            String body = buffer.toString();
            if (req.path().endsWith("/replies")) {
                Matcher key = Payloads.KEY.matcher(body);
                if (body.contains(AUTO_ACK_TAG)) {
                    // The hub's automatic acknowledgement of a conversation (issue 18): recorded by its thread.
                    Matcher thread = THREAD_KEY.matcher(body);
                    if (thread.find()) {
                        record(ackKey(thread.group(1)), "acknowledgements", now);
                    }
                } else if (key.find()) {
                    record(key.group(), "replies", now);
                }
                callbackCalls.incrementAndGet();
                req.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end("{\"id\":\"cb-" + callbackCalls.get() + "\"}");
                return;
            }
            long pace = paceNanos;
            if (pace > 0) {
                long done = deskFreeAt.updateAndGet(free -> Math.max(free, now) + pace);
                long delayMs = (done - now + 999_999) / 1_000_000;
                if (delayMs >= 1) {
                    vertx.setTimer(delayMs, id -> answerDesk(req, body, System.nanoTime()));
                    return;
                }
            }
            answerDesk(req, body, now);
        });
    }

    private void answerDesk(HttpServerRequest req, String body, long now) {
        long call = deskCalls.incrementAndGet();
        if (down) {
            refuse(req);
            return;
        }
        String answer = body.contains(BATCH_SCHEMA) ? batch(body, now, call) : single(body, now, call);
        if (answer == null) {
            refuse(req);
            return;
        }
        firstAcceptedSinceUp.compareAndSet(0, now);
        req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(answer);
    }

    private void refuse(HttpServerRequest req) {
        refusedCalls.incrementAndGet();
        req.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"bench desk stub refuses this attempt\"}");
    }

    /** Today's single-event body (and the Camel route's): regexes, cheaper than parsing on the stub's one loop. */
    private String single(String body, long now, long call) {
        Matcher key = Payloads.KEY.matcher(body);
        String benchKey = key.find() ? key.group() : null;
        Matcher idem = IDEMPOTENCY_KEY.matcher(body);
        String idempotencyKey = idem.find() ? idem.group(1) : benchKey;
        if (refuseNow(idempotencyKey)) {
            return null;
        }
        Matcher thread = THREAD_KEY.matcher(body);
        String threadKey = thread.find() ? thread.group(1) : "unknown";
        if (benchKey != null) {
            record(benchKey, threadKey, now);
        }
        return "{\"ticketRef\":\"" + Payloads.ticketRefFor(threadKey) + "\",\"itemId\":\"i-" + call + "\"}";
    }

    /** The batch form: events applied in list order; a refused event ends the applied prefix. */
    private String batch(String body, long now, long call) {
        JsonNode events;
        try {
            events = JSON.readTree(body).path("events");
        } catch (IOException e) {
            return null;
        }
        batchCalls.incrementAndGet();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode results = answer.putArray("results");
        int i = 0;
        for (JsonNode event : events) {
            String benchKey = text(event.path("message"), "channelMessageId");
            if (benchKey == null) {
                Matcher key = Payloads.KEY.matcher(event.toString());
                benchKey = key.find() ? key.group() : null;
            }
            String idempotencyKey = text(event, "idempotencyKey");
            if (refuseNow(idempotencyKey != null ? idempotencyKey : benchKey)) {
                break;
            }
            String threadKey = text(event.path("conversation"), "threadKey");
            if (threadKey == null) {
                threadKey = text(event.path("message"), "threadKey");
            }
            threadKey = threadKey == null ? "unknown" : threadKey;
            if (benchKey != null) {
                record(benchKey, threadKey, now);
            }
            results.addObject().put("ticketRef", Payloads.ticketRefFor(threadKey)).put("itemId", "i-" + call + "-" + i);
            i++;
        }
        return results.isEmpty() ? null : answer.toString();
    }

    /** True (and remembered) on the first attempt of a key selected for refusal. */
    private boolean refuseNow(String idempotencyKey) {
        int n = refuseOneIn;
        return idempotencyKey != null && selected(idempotencyKey, n) && refused.add(idempotencyKey);
    }

    /** Accepted arrivals of a key that had already arrived (repeats under the same idempotency key). */
    public long repeats() {
        return repeats.get();
    }

    private void record(String key, String conversation, long now) {
        if (arrivals.containsKey(key)) {
            repeats.incrementAndGet();
        } else {
            int position = positions.computeIfAbsent(conversation, c -> new AtomicInteger()).incrementAndGet();
            arrivals.putIfAbsent(key, new Arrival(now, position));
            lastAccepted.set(now);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isValueNode() || v.asText().isEmpty() ? null : v.asText();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }
}
