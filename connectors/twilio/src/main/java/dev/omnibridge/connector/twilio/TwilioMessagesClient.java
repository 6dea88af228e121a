package dev.omnibridge.connector.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.type.PhoneNumber;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.twilio.TwilioComponent;

import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sends messages through Twilio's Messages API ({@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}) with
 * Camel's Twilio component: a {@link TwilioComponent} per instance, registered with the hub under its own scheme and
 * configured with a Twilio REST client whose transport ({@link ApiHttpClient}) targets {@code apiBaseUrl}.
 *
 * <p>Failures are classified for the hub: network errors, 429 (with {@code Retry-After}) and 5xx are retryable;
 * 401 is retryable too (see {@link #classify}); every other 4xx, such as 21211 (invalid number) or 21610
 * (unsubscribed recipient), is permanent with the message {@code Twilio <code>: <message>}, phone numbers masked
 * and the auth token never included.
 */
final class TwilioMessagesClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "CamelTwilio.";
    /** Twilio codes for a recipient that cannot receive, named for readers; any other 4xx is permanent as well. */
    static final Set<Integer> BAD_RECIPIENT = Set.of(21211, 21408, 21610, 21612, 21614);
    /**
     * Of those, the codes that say this customer cannot get SMS from the account at all: 21610 (unsubscribed: replied
     * STOP), 21612 (unroutable), 21614 (not SMS-capable), 21635 (a landline). The hub may then answer on another of
     * the customer's addresses ({@link dev.omnibridge.spi.DeliveryException#unreachable}).
     */
    static final Set<Integer> CANNOT_RECEIVE = Set.of(21610, 21612, 21614, 21635);

    /** One message to create. {@code from} is null when {@code messagingServiceSid} is set, and the other way. */
    record Outgoing(String to, String from, String messagingServiceSid, String body, String statusCallback) {
    }

    /**
     * A classified failure.
     *
     * @param code   the Twilio error code, when the API gave one
     * @param status the HTTP status, or 0 when there was no answer
     */
    record Failure(DeliveryException exception, Integer code, int status) {
    }

    private final String accountSid;
    private final String authToken;
    private final String endpointUri;
    private final ProducerTemplate producer;

    TwilioMessagesClient(ConnectorContext context, TwilioSettings settings) {
        this.accountSid = settings.accountSid();
        this.authToken = settings.authToken().reveal();
        TwilioRestClient rest = new TwilioRestClient.Builder(accountSid, authToken)
                .accountSid(accountSid)
                .httpClient(new ApiHttpClient(settings.apiBaseUrl(), settings.timeout()))
                .build();
        TwilioComponent component = new TwilioComponent();
        component.setRestClient(rest);
        // Components inside a plugin are not found by scheme: hand the instance over, one scheme per instance so two
        // Twilio accounts never share a client.
        String scheme = "twilio-" + context.instanceId();
        context.addComponent(scheme, component);
        this.endpointUri = scheme + ":message/create";
        this.producer = context.camel().createProducerTemplate();
    }

    /**
     * Creates the message.
     *
     * @return Twilio's message SID ({@code SM...})
     * @throws Failed classified, with the Twilio error code when there is one
     */
    String create(Outgoing m) throws Failed {
        Map<String, Object> headers = new HashMap<>();
        headers.put(HEADER + "pathAccountSid", accountSid);
        headers.put(HEADER + "to", new PhoneNumber(m.to()));
        if (m.messagingServiceSid() != null) {
            headers.put(HEADER + "messagingServiceSid", m.messagingServiceSid());
        } else {
            headers.put(HEADER + "from", new PhoneNumber(m.from()));
        }
        headers.put(HEADER + "body", m.body());
        // Not a creator argument: the component sets it on the MessageCreator (setStatusCallback).
        headers.put(HEADER + "statusCallback", URI.create(m.statusCallback()));
        Object result;
        try {
            result = producer.requestBodyAndHeaders(endpointUri, null, headers);
        } catch (RuntimeException e) {
            // Camel wraps what the SDK threw (CamelExecutionException, RuntimeCamelException); classify looks inside
            throw new Failed(classify(e));
        }
        if (result instanceof com.twilio.rest.api.v2010.account.Message message && message.getSid() != null) {
            return message.getSid();
        }
        throw new Failed(new Failure(DeliveryException.permanent(
                "Twilio accepted the message but its answer has no sid; not retried, to avoid sending twice"), null, 0));
    }

    /** Sorts a failure into retryable and permanent; see the class comment. */
    Failure classify(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ApiHttpClient.TwilioHttpError http) {
                return classifyHttp(http);
            }
            if (t instanceof ApiConnectionException) {
                return new Failure(DeliveryException.retryable(scrub("Twilio API unreachable: "
                        + t.getMessage()), null), null, 0);
            }
            if (t instanceof ApiException api && api.getStatusCode() != null) {
                return classifyHttp(new ApiHttpClient.TwilioHttpError(api.getStatusCode(), null,
                        "{\"code\":" + api.getCode() + ",\"message\":" + JSON.valueToTree(String.valueOf(
                                api.getMessage())) + "}"));
            }
        }
        // Unexpected (a bug or an SDK surprise): retry rather than lose the reply; the hub caps attempts.
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new Failure(DeliveryException.retryable(scrub("sending through Twilio failed: "
                + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " (" + Redact.text(
                root.getMessage()) + ")")), null), null, 0);
    }

    private Failure classifyHttp(ApiHttpClient.TwilioHttpError http) {
        int status = http.status();
        Integer code = null;
        String message = null;
        try {
            JsonNode error = JSON.readTree(http.body());
            if (error != null && error.isObject()) {
                if (error.path("code").canConvertToInt()) {
                    code = error.path("code").asInt();
                }
                message = error.path("message").isTextual() ? error.path("message").asText() : null;
            }
        } catch (IOException notJson) {
            // described by the status alone
        }
        String text = code != null
                ? "Twilio " + code + ": " + (message == null ? "HTTP " + status : Redact.text(message))
                : "HTTP " + status + (message == null ? "" : ": " + Redact.text(message));
        text = scrub(text);
        if (status == 429 || status >= 500) {
            var retryAfter = DeliveryException.parseRetryAfter(http.retryAfter());
            return new Failure(retryAfter.isPresent() ? DeliveryException.retryAfter(text, retryAfter.get())
                    : DeliveryException.retryable(text, null), code, status);
        }
        if (status == 401) {
            // Wrong or rotated credentials: every message would fail the same way, and dead-lettering them all
            // would need a manual replay of each. Retrying with backoff keeps them until an operator fixes the token
            // (the instance also reports the problem in /health); the hub's maxAttempts still bounds it.
            return new Failure(DeliveryException.retryable(text + " (check accountSid and authToken)", null), code,
                    status);
        }
        return new Failure(DeliveryException.permanent(text), code, status);
    }

    /** Belt and braces: nothing the API or a library says may carry the auth token into a message. */
    private String scrub(String text) {
        return authToken.isEmpty() ? text : text.replace(authToken, "******");
    }

    @Override
    public void close() {
        try {
            producer.stop();
        } catch (RuntimeException ignored) {
            // the hub removes the component; nothing else is held
        }
    }

    /** Thrown by {@link #create} with the classified failure. */
    static final class Failed extends Exception {
        private final transient Failure failure;

        Failed(Failure failure) {
            super(failure.exception().getMessage(), null, false, false);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }
    }
}
