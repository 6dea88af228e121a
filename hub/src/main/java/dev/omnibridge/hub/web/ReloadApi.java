package dev.omnibridge.hub.web;

import dev.omnibridge.hub.reload.ConfigReload;
import dev.omnibridge.hub.reload.PluginSwap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issue 24: {@code POST /api/plugins/reload} (the plugins directory compared with what is loaded: new zips load,
 * changed ones are swapped, removed ones unload) and {@code POST /api/config/reload} (the configuration file read
 * and checked as a whole, then its instances and routes applied). Both answer what changed; admins only, audited
 * ({@code AccessPolicy}). The file watches do the same on their own.
 */
public final class ReloadApi {
    private final PluginSwap plugins;
    private final ConfigReload config;

    public ReloadApi(PluginSwap plugins, ConfigReload config) {
        this.plugins = plugins;
        this.config = config;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the caller first. */
    public void mount(Router router, HttpApi api) {
        router.post("/api/plugins/reload").handler(ctx -> api.offload(ctx, () -> plugins(ctx)));
        router.post("/api/config/reload").handler(ctx -> api.offload(ctx, () -> config(ctx)));
    }

    private void plugins(RoutingContext ctx) {
        PluginSwap.Outcome outcome = plugins.reload();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("changed", outcome.changed());
        body.put("files", outcome.files());
        body.put("restarted", outcome.restarted());
        body.put("started", outcome.started());
        body.put("stopped", outcome.stopped());
        body.put("problems", outcome.problems());
        HttpApi.json(ctx, 200, body);
    }

    private void config(RoutingContext ctx) {
        if (config.file() == null) {
            HttpApi.error(ctx, 409, "the hub was not started from a configuration file");
            return;
        }
        ConfigReload.Outcome outcome = config.reload();
        Map<String, Object> body = new LinkedHashMap<>();
        if (outcome.refused()) {
            body.put("error", "configuration refused: " + outcome.problems().size()
                    + " problem(s); nothing was changed");
            body.put("problems", outcome.problems());
            HttpApi.json(ctx, 400, body);
            return;
        }
        body.put("added", outcome.added());
        body.put("changed", outcome.changed());
        body.put("removed", outcome.removed());
        body.put("routesChanged", outcome.routesChanged());
        body.put("restartNeeded", outcome.restartNeeded());
        HttpApi.json(ctx, 200, body);
    }
}
