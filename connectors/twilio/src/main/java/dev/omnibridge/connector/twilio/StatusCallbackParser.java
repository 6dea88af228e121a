package dev.omnibridge.connector.twilio;

import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeliveryStatus.State;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a verified status callback ({@code MessageStatus} of a message this instance sent) into a
 * {@link DeliveryStatus} for the hub, which keeps the furthest state reached. Error 21610 (the recipient replied
 * STOP earlier) also marks the customer's number as opted out, so the hub stops trying.
 */
final class StatusCallbackParser {
    /** Twilio: "Attempt to send to unsubscribed recipient". */
    static final String UNSUBSCRIBED = "21610";

    Inbound parse(FormParams p) {
        String sid = p.firstOf("MessageSid", "SmsSid").map(String::strip).orElseThrow(() ->
                WebhookRejectedException.badRequest("missing parameter MessageSid"));
        String status = p.firstOf("MessageStatus", "SmsStatus").map(s -> s.strip().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> WebhookRejectedException.badRequest("missing parameter MessageStatus"));
        String errorCode = p.firstOf("ErrorCode").map(String::strip).filter(c -> !c.equals("0")).orElse(null);
        String errorMessage = p.firstOf("ErrorMessage").map(Redact::text).orElse(null);
        Optional<State> state = state(status);
        if (state.isEmpty()) {
            // e.g. receiving/received (inbound) or a state Twilio adds later: acknowledged, nothing to record
            return Inbound.none();
        }
        if (status.equals("canceled") && errorMessage == null) {
            errorMessage = "canceled before sending";
        }
        Inbound inbound = Inbound.statuses(List.of(new DeliveryStatus(sid, state.get(), errorCode, errorMessage,
                null)));
        if (UNSUBSCRIBED.equals(errorCode)) {
            Optional<String> to = p.firstOf("To");
            if (to.isPresent()) {
                inbound = inbound.withAddressStatuses(List.of(AddressStatus.optedOut(
                        InboundSmsParser.address(to.get()), "Twilio 21610: recipient has opted out")));
            }
        }
        return inbound;
    }

    /**
     * Twilio's MessageStatus values. {@code accepted} and {@code scheduled} (Messaging Service) are still waiting, so
     * QUEUED; {@code canceled} (a scheduled message withdrawn) never goes out, so FAILED; {@code partially_delivered}
     * reached the handset in part, so SENT.
     */
    static Optional<State> state(String status) {
        return Optional.ofNullable(switch (status) {
            case "queued", "sending", "accepted", "scheduled" -> State.QUEUED;
            case "sent", "partially_delivered" -> State.SENT;
            case "delivered" -> State.DELIVERED;
            case "read" -> State.READ;
            case "undelivered" -> State.UNDELIVERED;
            case "failed", "canceled" -> State.FAILED;
            default -> null;
        });
    }
}
