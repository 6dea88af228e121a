package dev.omnibridge.hub.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is typing where, for a few seconds: a hint for agents, never stored. Entries expire on their own, so a
 * visitor who stops typing (or closes the page) stops showing as typing without any further event.
 */
public final class TypingIndicators {
    static final Duration SHOWN_FOR = Duration.ofSeconds(6);

    private final Clock clock;
    private final Map<String, Instant> customerTyping = new ConcurrentHashMap<>();

    public TypingIndicators(Clock clock) {
        this.clock = clock;
    }

    public void customerTyping(String conversationId) {
        Instant now = clock.instant();
        customerTyping.values().removeIf(at -> at.plus(SHOWN_FOR).isBefore(now));
        customerTyping.put(conversationId, now);
    }

    /** When the customer last typed in this conversation, if that is recent enough to show. */
    public Optional<Instant> customerTypingAt(String conversationId) {
        Instant at = customerTyping.get(conversationId);
        return at == null || at.plus(SHOWN_FOR).isBefore(clock.instant()) ? Optional.empty() : Optional.of(at);
    }
}
