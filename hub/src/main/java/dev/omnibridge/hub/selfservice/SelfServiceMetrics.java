package dev.omnibridge.hub.selfservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The self-service bot's meters: {@code omnibridge_selfservice_answers_total} (automatic answers sent, per channel
 * instance), {@code omnibridge_selfservice_handoffs_total} (conversations handed to a person, per channel instance
 * and reason: asked, not_helped, no_answer, agent_busy, max_answers, not_delivered, bot_switched_off) and
 * {@code omnibridge_selfservice_suggestions_total} (answers suggested to the desks in {@code suggest} mode). Labels
 * are instance ids (of the configuration, or of the store's conversations) and the fixed reasons: bounded.
 */
public final class SelfServiceMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SelfServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void answered(String instance) {
        counter("omnibridge.selfservice.answers", "Automatic answers the self-service bot sent, per channel "
                + "instance.", instance, null).increment();
    }

    public void handedOff(String instance, String reason) {
        counter("omnibridge.selfservice.handoffs", "Conversations the self-service bot handed to a person, per "
                + "channel instance and reason.", instance, reason).increment();
    }

    public void suggested(String instance) {
        counter("omnibridge.selfservice.suggestions", "Answers the knowledge base suggested to the desks as internal "
                + "notes, per channel instance.", instance, null).increment();
    }

    private Counter counter(String name, String help, String instance, String reason) {
        return counters.computeIfAbsent(name + '\u0000' + instance + '\u0000' + reason, k -> {
            Counter.Builder b = Counter.builder(name).description(help).tag("instance", instance);
            if (reason != null) {
                b.tag("reason", reason);
            }
            return b.register(registry);
        });
    }
}
