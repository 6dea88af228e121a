package dev.omnibridge.hub.files;

import dev.omnibridge.hub.store.StoredFileRefs;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * {@code GET /files/<sha256>?exp=..&sig=..}: a stored file for whoever holds a link the hub signed
 * ({@link SignedFileLinks}), outside {@code /api/} and without a login. Every refusal (wrong or altered signature,
 * expired, unknown id, erased or purged file) is the same 404, so the answer tells nothing about which part was wrong
 * or whether a file exists. Served as a download ({@code Content-Disposition: attachment}) with the media type its
 * message gave it, {@code nosniff} and a sandboxing CSP so that a browser never renders it as a page of the hub,
 * and {@code Cache-Control: private}. The query (the signature) is never logged.
 */
public final class FileLinkRoute {
    private static final Logger LOG = LoggerFactory.getLogger(FileLinkRoute.class);
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}/"
            + "[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}");

    private final SignedFileLinks links;
    private final StoredFileRefs refs;
    private final AttachmentStore files;
    private final ExecutorService blocking;

    public FileLinkRoute(SignedFileLinks links, StoredFileRefs refs, AttachmentStore files, ExecutorService blocking) {
        this.links = links;
        this.refs = refs;
        this.files = files;
        this.blocking = blocking;
    }

    public void mount(Router router) {
        router.get(SignedFileLinks.PATH + ":id").handler(ctx -> blocking.execute(() -> {
            try {
                serve(ctx);
            } catch (Exception e) {
                // The path and the exception's kind only: the query holds the signature.
                LOG.error("GET {}... failed: {}", SignedFileLinks.PATH, e.getClass().getSimpleName());
                if (!ctx.response().ended()) {
                    ctx.response().setStatusCode(500).end();
                }
            }
        }));
    }

    private void serve(RoutingContext ctx) throws Exception {
        String id = ctx.pathParam("id");
        if (!links.valid(id, ctx.request().getParam("exp"), ctx.request().getParam("sig"))) {
            notFound(ctx);
            return;
        }
        Optional<Attachment> held = refs.find(id);
        if (held.isEmpty()) {
            notFound(ctx);
            return;
        }
        Attachment a = held.get();
        byte[] bytes;
        try (var in = files.open(a)) {
            bytes = in.readAllBytes();
        } catch (java.nio.file.NoSuchFileException e) {
            notFound(ctx);
            return;
        } catch (IOException e) {
            throw new IOException("stored file not readable", e);
        }
        String type = a.mediaType() != null && MEDIA_TYPE.matcher(a.mediaType()).matches() ? a.mediaType()
                : "application/octet-stream";
        ctx.response().setStatusCode(200)
                .putHeader("Content-Type", type)
                .putHeader("Content-Disposition", disposition(a.fileName()))
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
                .putHeader("Cache-Control", "private, max-age=3600")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(Buffer.buffer(bytes));
    }

    /** {@code attachment} with an ASCII name and the UTF-8 name (RFC 6266); quotes and controls never pass. */
    static String disposition(String fileName) {
        String name = fileName == null || fileName.isBlank() ? "file" : fileName.strip();
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replaceAll("[\"\\\\]", "_");
        String utf8 = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + utf8;
    }

    private static void notFound(RoutingContext ctx) {
        ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end("Not found\n");
    }
}
