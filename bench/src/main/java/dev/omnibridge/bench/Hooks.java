package dev.omnibridge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntFunction;

/** Request builders for the load generator, and a plain one-off signed POST for set-up and pre-fill. */
final class Hooks {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Signer CHANNEL = new Signer(Payloads.CHANNEL_SECRET);
    private static final Signer DESK = new Signer(Payloads.DESK_SECRET);

    private Hooks() {
    }

    /** Customer messages keyed {@code bk<keyRun>_<seq>}, spread over conversations {@code t<convRun>_0..n-1}. */
    static IntFunction<HttpLoad.Request> inbound(int keyRun, int convRun, int conversations) {
        return seq -> {
            byte[] body = Payloads.bytes(Payloads.inbound(Payloads.key(keyRun, seq),
                    Payloads.threadKey(convRun, seq % conversations)));
            return new HttpLoad.Request("/hooks/web", body, CHANNEL.sign(body));
        };
    }

    /**
     * As {@link #inbound}, with the text taken in turn from {@link TriagePhase#TEXTS} (customer messages in seven
     * languages, some with the rules' keywords): what language detection and keyword rules work on.
     */
    static IntFunction<HttpLoad.Request> inboundMultilingual(int keyRun, int convRun, int conversations) {
        return seq -> {
            byte[] body = Payloads.bytes(Payloads.inbound(Payloads.key(keyRun, seq),
                    Payloads.threadKey(convRun, seq % conversations),
                    TriagePhase.TEXTS.get(seq % TriagePhase.TEXTS.size())));
            return new HttpLoad.Request("/hooks/web", body, CHANNEL.sign(body));
        };
    }

    /** Agent replies on the tickets the stub handed out for conversations {@code t<convRun>_0..n-1}. */
    static IntFunction<HttpLoad.Request> replies(int keyRun, int convRun, int conversations) {
        return seq -> {
            byte[] body = Payloads.bytes(Payloads.deskReply(Payloads.key(keyRun, seq),
                    Payloads.ticketRefFor(Payloads.threadKey(convRun, seq % conversations))));
            return new HttpLoad.Request("/hooks/desk", body, DESK.sign(body));
        };
    }

    /** POSTs a batch of inbound messages to {@code /hooks/web}; fails unless 2xx. */
    static void postInbound(String baseUrl, String json) {
        byte[] body = Payloads.bytes(json);
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "/hooks/web"))
                    .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                    .header(Signer.HEADER, CHANNEL.sign(body)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("POST /hooks/web answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
