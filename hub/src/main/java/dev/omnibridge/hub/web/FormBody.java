package dev.omnibridge.hub.web;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * Reads a form-encoded webhook body (Twilio posts {@code application/x-www-form-urlencoded}) as raw bytes, with the
 * hub's own {@code maxBodyBytes} limit, and hands every other body to Vert.x's body handler.
 *
 * <p>Why: Vert.x's body handler decodes form bodies itself, and a single field over 8 KB (its
 * {@code maxFormAttributeSize}, which Camel's platform-http offers no way to raise) fails the request with a bare
 * 400 before any connector sees it. A customer's long message (a few thousand non-Latin characters are more than
 * 8 KB in UTF-8) was refused and lost that way. Connectors verify signatures over, and parse, the raw bytes anyway.
 */
final class FormBody implements Handler<RoutingContext> {
    /** Where the raw bytes are put on the routing context. */
    static final String RAW = "omnibridge.rawBody";

    private final Handler<RoutingContext> otherBodies;
    private final long maxBytes;

    FormBody(Handler<RoutingContext> otherBodies, long maxBytes) {
        this.otherBodies = otherBodies;
        this.maxBytes = maxBytes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String type = request.getHeader("Content-Type");
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("application/x-www-form-urlencoded") && !lower.startsWith("multipart/form-data")) {
            otherBodies.handle(ctx);
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBytes) {
                    ctx.fail(413);
                    return;
                }
            } catch (NumberFormatException e) {
                ctx.fail(400);
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        if (request.isEnded()) {
            ctx.put(RAW, body);
            ctx.next();
            return;
        }
        request.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBytes) {
                tooLarge[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!ctx.failed() && !ctx.response().ended()) {
                ctx.fail(400, e);
            }
        });
        request.endHandler(v -> {
            if (!tooLarge[0]) {
                ctx.put(RAW, body);
                ctx.next();
            }
        });
        request.resume();
    }
}
