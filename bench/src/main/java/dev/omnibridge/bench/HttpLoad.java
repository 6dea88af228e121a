package dev.omnibridge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * HTTP load on a Vert.x client (one event loop: the generator shares the machine with the system under test).
 * Open loop keeps its send schedule and measures from the scheduled send time, so a slow server cannot hide
 * latency by slowing the generator down (no coordinated omission). Closed loop keeps N requests in flight: saturation.
 */
public final class HttpLoad implements AutoCloseable {
    /** One request; {@code seq} is what the ack listener is told. */
    public record Request(String path, byte[] body, String signature) {
    }

    /** Told of each 2xx answer with the request's sequence number and the answer's {@link System#nanoTime()}. */
    public interface AckListener {
        AckListener NONE = (seq, nanos) -> { };

        void acked(int seq, long nanos);

        /**
         * The same with the request's send time: the scheduled time in an open loop (never later than the real
         * send), the real one in a closed loop. The order check of the busy phase needs both ends.
         */
        default void acked(int seq, long sentNanos, long nanos) {
            acked(seq, nanos);
        }
    }

    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private final Vertx vertx;
    private final io.vertx.core.Context context;
    private final HttpClient client;
    private final String[] hosts;
    private final int[] ports;
    // Issue 25: requests go round-robin to several hub nodes (as a load balancer spreads them); a node marked down
    // (its health check failed) gets none.
    private final java.util.concurrent.atomic.AtomicIntegerArray down;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger nextSeq = new AtomicInteger();

    public HttpLoad(String baseUrl, int connections) {
        this(java.util.List.of(baseUrl), connections);
    }

    /** Load spread round-robin over several servers ({@code connections} per server). */
    public HttpLoad(java.util.List<String> baseUrls, int connections) {
        this.hosts = new String[baseUrls.size()];
        this.ports = new int[baseUrls.size()];
        for (int i = 0; i < baseUrls.size(); i++) {
            URI uri = URI.create(baseUrls.get(i));
            hosts[i] = uri.getHost();
            ports[i] = uri.getPort();
        }
        this.down = new java.util.concurrent.atomic.AtomicIntegerArray(baseUrls.size());
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000)
                .setIdleTimeout(120), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        // Every send runs on the one event loop: calls from the scheduler thread would each get a fresh context.
        this.context = vertx.getOrCreateContext();
    }

    /** Sequence numbers continue across runs on one generator, so keys never repeat. */
    public int nextSeq() {
        return nextSeq.get();
    }

    public LoadResult open(IntFunction<Request> requests, double perSecond, Duration duration, AckListener acks) {
        long period = (long) (1e9 / perSecond);
        long start = System.nanoTime() + 10_000_000;
        long end = start + duration.toNanos();
        Run run = new Run(acks);
        for (long i = 0; ; i++) {
            long scheduled = start + i * period;
            if (scheduled >= end) {
                break;
            }
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int seq = nextSeq.getAndIncrement();
            run.outstanding.incrementAndGet();
            send(requests.apply(seq), status -> run.done(seq, status, scheduled, null));
        }
        run.awaitOutstanding();
        return run.result(start, run.lastAnswer.get());
    }

    public LoadResult closed(IntFunction<Request> requests, int concurrency, Duration duration, AckListener acks) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Run run = new Run(acks);
        for (int i = 0; i < concurrency; i++) {
            run.outstanding.incrementAndGet();
            sendNext(requests, run, end);
        }
        run.awaitOutstanding();
        // Answers after the deadline belong to requests sent before it: count them, over the time they took.
        return run.result(start, Math.max(end, run.lastAnswer.get()));
    }

    private void sendNext(IntFunction<Request> requests, Run run, long end) {
        int seq = nextSeq.getAndIncrement();
        long sent = System.nanoTime();
        send(requests.apply(seq), status -> run.done(seq, status, sent,
                System.nanoTime() < end ? () -> {
                    run.outstanding.incrementAndGet();
                    sendNext(requests, run, end);
                } : null));
    }

    private void send(Request r, java.util.function.IntConsumer onStatus) {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            sendOnLoop(r, onStatus);
        } else {
            context.runOnContext(v -> sendOnLoop(r, onStatus));
        }
    }

    /** Server {@code i} gets no more requests (a load balancer's failed health check). */
    public void markDown(int i) {
        down.set(i, 1);
    }

    private int nextServer() {
        for (int tries = 0; tries < hosts.length; tries++) {
            int i = Math.floorMod(turn.getAndIncrement(), hosts.length);
            if (down.get(i) == 0) {
                return i;
            }
        }
        return 0;
    }

    private void sendOnLoop(Request r, java.util.function.IntConsumer onStatus) {
        int server = hosts.length == 1 ? 0 : nextServer();
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(hosts[server]).setPort(ports[server])
                        .setURI(r.path())
                        .setIdleTimeout(REQUEST_TIMEOUT.toMillis()))
                .compose(req -> {
                    req.putHeader("Content-Type", "application/json");
                    if (r.signature() != null) {
                        req.putHeader(Signer.HEADER, r.signature());
                    }
                    return req.send(Buffer.buffer(r.body()));
                })
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> onStatus.accept(ar.succeeded() ? ar.result() : -1));
    }

    @Override
    public void close() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
    }

    /** Counters of one run. */
    private static final class Run {
        final Latency latency = new Latency();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicLong lastAnswer = new AtomicLong();
        final CountDownLatch finished = new CountDownLatch(1);
        final AckListener acks;
        volatile boolean scheduleDone;

        Run(AckListener acks) {
            this.acks = acks;
        }

        void done(int seq, int status, long from, Runnable next) {
            long now = System.nanoTime();
            lastAnswer.accumulateAndGet(now, Math::max);
            if (status >= 200 && status < 300) {
                ok.incrementAndGet();
                latency.recordNanos(now - from);
                acks.acked(seq, from, now);
            } else {
                errors.incrementAndGet();
            }
            if (next != null) {
                next.run();
            }
            if (outstanding.decrementAndGet() == 0 && scheduleDone) {
                finished.countDown();
            }
        }

        void awaitOutstanding() {
            scheduleDone = true;
            if (outstanding.get() == 0) {
                finished.countDown();
            }
            try {
                if (!finished.await(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
                    errors.addAndGet(outstanding.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        LoadResult result(long start, long end) {
            return new LoadResult(ok.get(), errors.get(), Math.max(1, end - start) / 1e9, latency);
        }
    }
}
