package dev.omnibridge.bench;

import io.vertx.core.Vertx;

/**
 * Baseline (a): a bare Vert.x server answering every request with 200 once its body has arrived. The physical limit
 * of this machine's HTTP stack; run as its own process: {@code BareVertx <port>}.
 */
public final class BareVertx {
    private BareVertx() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx.vertx().createHttpServer()
                .requestHandler(req -> req.body().onComplete(b -> req.response().setStatusCode(200)
                        .putHeader("Content-Type", "application/json").end("{\"status\":\"stored\"}")))
                .listen(port, "127.0.0.1")
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
