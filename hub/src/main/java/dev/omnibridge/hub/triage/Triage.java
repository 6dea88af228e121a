package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Message;

import java.util.List;
import java.util.function.Function;

/**
 * Triages each inbound customer message before it is stored and delivered: detects its language, runs the
 * classification rules (priority, tags) and the routes (which desks, with which assignment).
 *
 * <p>Everything but the unanswered count is a function of the message and the configuration, so it runs on the
 * caller's thread; a rule set that needs the count is classified in the writer's transaction.
 */
public final class Triage {
    private final Function<String, List<String>> desksForChannel;

    private Triage(Function<String, List<String>> desksForChannel) {
        this.desksForChannel = desksForChannel;
    }

    /** No detection, no rules, plain routes: what the hub did before triage. */
    public static Triage none(Function<String, List<String>> desksForChannel) {
        return new Triage(desksForChannel);
    }

    /** The triage the configuration describes. */
    public static Triage from(HubConfig config) {
        return none(config::desksFor);
    }

    /** Sets the message's language when the channel gave none and the detector can tell; caller's thread. */
    public Message detectLanguage(Message message) {
        return message;
    }

    /** Whether a rule uses the number of customer messages without an answer (then classify in the writer). */
    public boolean needsUnanswered() {
        return false;
    }

    /**
     * Runs the classification rules.
     *
     * @param unanswered customer messages of the conversation since the last agent reply, this one included
     */
    public Classified classify(Message message, int unanswered) {
        return new Classified(message, List.of());
    }

    /** The desks a classified message goes to. */
    public RouteDecision route(Message classified) {
        return new RouteDecision(desksForChannel.apply(classified.channel().instanceId()).stream()
                .map(DeskTarget::of).toList(), List.of(), false, false);
    }
}
