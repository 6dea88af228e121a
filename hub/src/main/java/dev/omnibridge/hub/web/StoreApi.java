package dev.omnibridge.hub.web;

import dev.omnibridge.hub.store.StoreInfo;
import dev.omnibridge.hub.store.StoreMaintenance;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/store}: what the store takes on disk against what it holds (file size, live share, the messages'
 * JSON bytes, rows per table) and whether compaction runs. Mounted behind {@link HttpApi}'s admin authorisation.
 * The JSON size is summed on request (a scan of the messages).
 */
public final class StoreApi {
    private final StoreInfo info;
    private final StoreMaintenance maintenance;
    private final int compactBelowFill;

    /** @param maintenance the running compaction; null when it is off or the store is not the embedded one */
    public StoreApi(StoreInfo info, StoreMaintenance maintenance, int compactBelowFill) {
        this.info = info;
        this.maintenance = maintenance;
        this.compactBelowFill = compactBelowFill;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, HttpApi api) {
        router.get("/api/store").handler(ctx -> api.offload(ctx, () -> store(ctx)));
    }

    private void store(RoutingContext ctx) throws SQLException {
        StoreInfo.Contents contents = info.contents();
        Map<String, Object> body = new LinkedHashMap<>();
        var file = info.file();
        body.put("embedded", file.isPresent());
        file.ifPresent(f -> {
            Map<String, Object> fb = new LinkedHashMap<>();
            fb.put("bytes", f.fileBytes());
            fb.put("fillPercent", f.fillPercent());
            fb.put("chunksFillPercent", f.chunksFillPercent());
            fb.put("liveRatio", round(f.liveRatio()));
            fb.put("writtenBytes", f.writtenBytes());
            body.put("file", fb);
        });
        body.put("messages", contents.messages());
        body.put("messageJsonBytes", contents.jsonBytes());
        file.ifPresent(f -> {
            body.put("fileBytesPerMessage", contents.messages() == 0 ? null : f.fileBytes() / contents.messages());
            body.put("fileToJsonRatio", contents.jsonBytes() == 0 ? null
                    : round((double) f.fileBytes() / contents.jsonBytes()));
        });
        body.put("rows", contents.rows());
        Map<String, Object> compaction = new LinkedHashMap<>();
        compaction.put("enabled", maintenance != null);
        if (maintenance != null) {
            compaction.put("compactBelowFill", compactBelowFill);
            compaction.put("steps", maintenance.steps());
        }
        body.put("compaction", compaction);
        HttpApi.json(ctx, 200, body);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
