package ${package};

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
#if( $kind == "channel" )
import dev.omnibridge.model.Address;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.OutboundMessage;
#else
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
#end
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One {@code ${connectorName}} instance.
 * <ul>
#if( $kind == "channel" )
 *   <li>Inbound: the service POSTs customer messages {@code {"id", "from", "name", "text"}} to the hub's
 *   {@code /hooks/<instance id>}.</li>
 *   <li>Outbound: agents' replies are POSTed as {@code {"to", "text"}} to {@code apiUrl} with a bearer token and an
 *   {@code Idempotency-Key} that stays the same when the hub retries.</li>
#else
 *   <li>Outbound: a ticket per conversation, created by {@code POST <apiUrl>/tickets}, and every later message added
 *   by {@code POST <apiUrl>/tickets/<id>/comments}, both with a bearer token and an {@code Idempotency-Key}: the hub
 *   may deliver a message again after a crash, and the desk must not add it twice.</li>
 *   <li>Inbound: the desk POSTs agents' replies {@code {"id", "ticket", "author", "text"}} to the hub's
 *   {@code /hooks/<instance id>}; the hub sends them to the customer.</li>
#end
 * </ul>
 * Webhooks are signed: {@code X-Signature-Timestamp} (epoch seconds) and {@code X-Signature} = hex HMAC-SHA256 of
 * {@code <timestamp>.<raw body>} with the shared secret. Unsigned, forged, changed or older than {@link #MAX_AGE}
 * (a replay) is refused; the event id is the dedupe id, so an event sent twice is stored once.
 * Replace the shapes and calls with your service's, and keep the order: check the signature on the raw bytes
 * first, then parse.
 */
#if( $kind == "channel" )
public final class ${classPrefix}Connector implements ChannelConnector {
#else
public final class ${classPrefix}Connector implements DeskConnector {
#end
    static final String SIGNATURE_HEADER = "X-Signature";
    static final String TIMESTAMP_HEADER = "X-Signature-Timestamp";
    /** How long ago a webhook may have been signed; an older one is taken for a replay. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(${classPrefix}Connector.class);
    /** This plugin's own mapper: never configure or share the hub's. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Everything {@link #start} sets up; replaced as a whole, so concurrent calls see one consistent state. */
    private record Running(String instanceId, Settings settings, HttpClient http) {
    }

    private volatile Running running;

    @Override
    public void start(ConnectorContext context) {
        Settings settings = context.settings();
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(settings.duration(${classPrefix}Type.TIMEOUT))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        running = new Running(context.instanceId(), settings, http);
        // Ids and counts only in logs: never secrets, addresses or message text.
        LOG.info("{}: ${connectorName} started", context.instanceId());
    }

    @Override
    public void stop() {
        Running was = running;
        running = null;
        if (was != null) {
            LOG.info("{}: ${connectorName} stopped", was.instanceId());
        }
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = running;
        if (r == null) {
            throw new WebhookRejectedException(503, "instance is not running");
        }
        if (!"POST".equals(request.method())) {
            throw new WebhookRejectedException(405, "use POST");
        }
        verifySignature(r, request, Instant.now());
        JsonNode event = parse(request.body());
        Instant now = Instant.now();
#if( $kind == "channel" )
        String from = required(event, "from");
        Message message = Message.builder()
                .direction(Direction.INBOUND)
                .channel(new ChannelRef(${classPrefix}Type.NAME, r.instanceId()))
                .channelMessageId(required(event, "id"))
                .threadKey(from)
                .author(Author.customer(event.path("name").asText(null), Address.chatUser(from)))
                .text(event.path("text").asText(""))
                .receivedAt(now)
                .build();
        LOG.debug("{}: accepted message {}", r.instanceId(), message.channelMessageId());
        return WebhookOutcome.store(Inbound.messages(List.of(message)));
#else
        DeskReply reply = DeskReply.builder(required(event, "ticket"), required(event, "id"),
                        Author.agent(event.path("author").asText(null)))
                .text(required(event, "text")).createdAt(now).build();
        LOG.debug("{}: accepted reply {} on ticket {}", r.instanceId(), reply.replyId(), reply.ticketRef());
        return WebhookOutcome.store(Inbound.replies(List.of(reply)));
#end
    }

    /** Refuses (401) a request that is unsigned, signed with another secret, changed, or signed too long ago. */
    static void verifySignature(Running r, WebhookRequest request, Instant now) {
        String given = request.header(SIGNATURE_HEADER)
                .orElseThrow(() -> WebhookRejectedException.unauthorized("missing " + SIGNATURE_HEADER));
        String timestamp = request.header(TIMESTAMP_HEADER)
                .orElseThrow(() -> WebhookRejectedException.unauthorized("missing " + TIMESTAMP_HEADER));
        String expected = signature(r.settings().secret(${classPrefix}Type.SECRET).reveal(), timestamp,
                request.body());
        if (!HmacSignatures.constantTimeEquals(expected, given.strip().toLowerCase(Locale.ROOT))) {
            throw WebhookRejectedException.unauthorized(SIGNATURE_HEADER + " does not match");
        }
        long signedAt;
        try {
            signedAt = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw WebhookRejectedException.unauthorized(TIMESTAMP_HEADER + " is not a number of seconds");
        }
        if (Duration.between(Instant.ofEpochSecond(signedAt), now).abs().compareTo(MAX_AGE) > 0) {
            throw WebhookRejectedException.unauthorized("signed outside the accepted window");
        }
    }

    /** Hex HMAC-SHA256 of {@code <timestamp>.<body>}: how the service signs (and how a test signs). */
    static String signature(String secret, String timestamp, byte[] body) {
        return java.util.HexFormat.of().formatHex(HmacSignatures.hmac("HmacSHA256", secret,
                (timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
    }
#if( $kind == "channel" )

    /**
     * What one message of the service can carry; the hub adapts every reply to it before {@link #send} (long text
     * split in order, reply options numbered into the text, files it cannot take named in the text). Set the
     * service's documented limits here: these are a placeholder for a plain-text service.
     */
    @Override
    public dev.omnibridge.spi.ChannelCapabilities capabilities() {
        return dev.omnibridge.spi.ChannelCapabilities.builder()
                .text(4096, dev.omnibridge.spi.ChannelCapabilities.TextUnit.CODE_POINTS)
                .build();
    }

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        Message message = outbound.customerFacing();
        ObjectNode body = JSON.createObjectNode()
                .put("to", outbound.conversation().threadKey())
                .put("text", message.text());
        JsonNode answer = post(r, r.settings().url(${classPrefix}Type.API_URL), body, outbound.idempotencyKey());
        String id = answer.path("id").asText("");
        return id.isBlank() ? outbound.idempotencyKey() : id;
    }
#else

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        Message message = delivery.message();
        String base = r.settings().url(${classPrefix}Type.API_URL).toString();
        base = base.endsWith("/") ? base : base + "/";
        ObjectNode body = JSON.createObjectNode()
                .put("text", message.text() == null ? "" : message.text())
                .put("author", message.author().role().name().toLowerCase(Locale.ROOT));
        if (delivery.opensTicket()) {
            body.put("subject", message.subject() == null ? "Conversation " + delivery.conversation().id()
                    : message.subject());
            body.put("conversation", delivery.conversation().id());
            JsonNode answer = post(r, URI.create(base + "tickets"), body, delivery.idempotencyKey());
            String ticket = answer.path("id").asText("");
            if (ticket.isBlank()) {
                throw DeliveryException.permanent("the desk's answer has no ticket id");
            }
            LOG.debug("{}: opened ticket {}", r.instanceId(), ticket);
            return DeskResult.of(ticket, answer.path("commentId").asText(null));
        }
        String path = "tickets/" + java.net.URLEncoder.encode(delivery.ticketRef(), StandardCharsets.UTF_8)
                + "/comments";
        JsonNode answer = post(r, URI.create(base + path), body, delivery.idempotencyKey());
        return DeskResult.of(delivery.ticketRef(), answer.path("id").asText(null));
    }
#end

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw WebhookRejectedException.badRequest("body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON");
        }
    }

    private static String required(JsonNode event, String field) {
        String value = event.path(field).asText("");
        if (value.isBlank()) {
            throw WebhookRejectedException.badRequest("missing field '" + field + "'");
        }
        return value;
    }

    /**
     * POSTs {@code body} as JSON. Answers are classified the way the hub expects: 408, 425, 429 and 5xx (and no
     * answer at all) are retried, any other error is permanent. Error bodies are not quoted: they may echo the
     * message.
     */
    private static JsonNode post(Running r, URI url, ObjectNode body, String idempotencyKey) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(r.settings().duration(${classPrefix}Type.TIMEOUT))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + r.settings().secret(${classPrefix}Type.TOKEN).reveal())
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(write(body)))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = r.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw DeliveryException.retryable("no answer from the API: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw DeliveryException.forHttpStatus(response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null), null);
        }
        try {
            byte[] answer = response.body();
            return answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
        } catch (IOException notJson) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] write(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
