package dev.omnibridge.hub.metrics;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The route label: the declared template, whatever Vert.x does with it to match (regex for parameters). */
class HttpServerMetricsTest {
    private static final Vertx VERTX = Vertx.vertx();
    private final Router router = Router.router(VERTX);

    @AfterAll
    static void close() {
        VERTX.close();
    }

    @Test
    void routeLabelIsTheDeclaredTemplate() {
        assertThat(HttpServerMetrics.template(router.get("/api/messages/:id"), 200)).isEqualTo("/api/messages/:id");
        assertThat(HttpServerMetrics.template(router.route("/hooks/:instanceId/*"), 200))
                .isEqualTo("/hooks/:instanceId/*");
        assertThat(HttpServerMetrics.template(router.route("/api/*"), 401)).isEqualTo("/api/*");
        assertThat(HttpServerMetrics.template(router.get("/metrics"), 200)).isEqualTo("/metrics");
    }

    @Test
    void aRequestNoRouteAnsweredHasAFixedLabel() {
        assertThat(HttpServerMetrics.template(null, 404)).isEqualTo("NOT_FOUND");
        assertThat(HttpServerMetrics.template(router.route(), 404)).isEqualTo("NOT_FOUND");
        assertThat(HttpServerMetrics.template(router.route(), 500)).isEqualTo("UNKNOWN");
    }

    @Test
    void unusualMethodsShareOneLabel() {
        assertThat(HttpServerMetrics.method("GET")).isEqualTo("GET");
        assertThat(HttpServerMetrics.method("PROPFIND")).isEqualTo("OTHER");
    }
}
