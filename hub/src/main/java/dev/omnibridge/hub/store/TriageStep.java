package dev.omnibridge.hub.store;

import dev.omnibridge.hub.triage.Classified;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.hub.triage.Triage;
import dev.omnibridge.model.Message;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the {@link InboundWriter} asks of triage for each inbound customer message: the {@link Triage} facade's calls,
 * plus the two facts of the configuration the writer needs besides (the plain desks of a channel, for what is not a
 * customer message, and whether a desk still exists, for a conversation recorded with a desk removed since). An
 * interface so that the store's tests can hand the writer decisions of their own.
 */
public interface TriageStep {
    /** Sets the message's language when the channel gave none and the detector can tell; caller's thread. */
    Message detectLanguage(Message message);

    /** Whether a rule uses the count of customer messages without an answer (then classify in the transaction). */
    boolean needsUnanswered();

    /** @param unanswered customer messages of the conversation since the last agent reply, this one included */
    Classified classify(Message message, int unanswered);

    /** The desks a classified message goes to. */
    RouteDecision route(Message classified);

    /**
     * The desks the channel's plain routes (without conditions) feed: where the hub's own notes go in a
     * conversation no route recorded desks for.
     */
    List<String> plainDesks(String channelInstance);

    /** Whether the desk instance is (still) configured. */
    boolean deskExists(String desk);

    /** The configured triage. */
    static TriageStep of(Triage triage, Function<String, List<String>> plainDesks, Predicate<String> deskExists) {
        return new TriageStep() {
            @Override
            public Message detectLanguage(Message message) {
                return triage.detectLanguage(message);
            }

            @Override
            public boolean needsUnanswered() {
                return triage.needsUnanswered();
            }

            @Override
            public Classified classify(Message message, int unanswered) {
                return triage.classify(message, unanswered);
            }

            @Override
            public RouteDecision route(Message classified) {
                return triage.route(classified);
            }

            @Override
            public List<String> plainDesks(String channelInstance) {
                return plainDesks.apply(channelInstance);
            }

            @Override
            public boolean deskExists(String desk) {
                return deskExists.test(desk);
            }
        };
    }

    /** No detection, no rules, plain routes: the hub before triage. */
    static TriageStep plain(Function<String, List<String>> desksForChannel) {
        return of(Triage.none(desksForChannel), desksForChannel, desk -> true);
    }
}
