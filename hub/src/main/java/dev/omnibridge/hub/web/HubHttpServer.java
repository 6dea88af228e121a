package dev.omnibridge.hub.web;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

import java.util.function.Consumer;

/**
 * Camel's platform-http server with the hub's routes mounted before the port opens. Mounting after Camel has
 * started left a window in which every request met an empty router and got 404, which vendors that do not retry
 * on 4xx take as final.
 */
public final class HubHttpServer extends VertxPlatformHttpServer {
    private final Consumer<VertxPlatformHttpRouter> mount;

    /** @param mount adds the routes; called once the router exists and before the server listens */
    public HubHttpServer(VertxPlatformHttpServerConfiguration configuration, Consumer<VertxPlatformHttpRouter> mount) {
        super(configuration);
        this.mount = mount;
    }

    @Override
    protected void startServer() throws Exception {
        mount.accept(VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getPort())));
        super.startServer();
    }
}
