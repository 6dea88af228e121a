package dev.omnibridge.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link PolledSource#poll} found: an {@link Inbound} for the hub to store in one transaction together with
 * the next offsets, and when to poll next. Create with {@link #nothing()}, {@link #of(Inbound)} or {@link #builder()};
 * the type may grow.
 *
 * <p>When to poll next, unless the result says otherwise: after a result with something to store, at once (there
 * may be more); after one without, the schedule's {@link PollSchedule#interval()} (a server that answers a long poll
 * at once must not make a hot loop).
 */
public final class PollResult {
    private static final PollResult NOTHING = builder().build();

    private final Inbound inbound;
    private final Duration nextPollIn;
    private final Runnable onStored;
    private final String description;
    private final boolean held;

    private PollResult(Builder b) {
        Inbound in = b.inbound == null ? Inbound.none() : b.inbound;
        if (!b.offsets.isEmpty()) {
            Map<String, String> all = new LinkedHashMap<>(in.offsets());
            all.putAll(b.offsets);
            in = in.withOffsets(all);
        }
        this.inbound = in;
        this.nextPollIn = b.nextPollIn;
        this.onStored = b.onStored;
        this.description = b.description;
        this.held = b.held;
    }

    /** Nothing new: store nothing, poll again after the schedule's interval. */
    public static PollResult nothing() {
        return NOTHING;
    }

    /**
     * The source held this poll back and asked the vendor nothing (e.g. to save an API budget it is running out of):
     * neither a success nor a failure, so the instance's reported problem and the failure count stay as they are.
     * Poll again after {@code wait}.
     */
    public static PollResult held(Duration wait) {
        Builder b = builder().nextPollIn(wait);
        b.held = true;
        return b.build();
    }

    /** Store this (its offsets included) and poll again at once. */
    public static PollResult of(Inbound inbound) {
        return builder().inbound(inbound).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to store: messages, replies... and the next offsets, all in one transaction. */
    public Inbound inbound() {
        return inbound;
    }

    /** The wait the source asked for before the next poll; empty: the default (see the class comment). */
    public Optional<Duration> nextPollIn() {
        return Optional.ofNullable(nextPollIn);
    }

    /** What this result holds, for messages about it (e.g. {@code updates up to 502}); empty: not described. */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** Whether this is a {@link #held} poll: the vendor was not asked. */
    public boolean isHeld() {
        return held;
    }

    /** Whether there is anything to store. */
    public boolean isEmpty() {
        return inbound.isEmpty();
    }

    /**
     * Runs what the source asked to do once the result is stored (e.g. acknowledge upstream); the hub calls it on
     * the polling thread, only after a successful store, never after a failed one.
     */
    public void stored() {
        if (onStored != null) {
            onStored.run();
        }
    }

    public static final class Builder {
        private Inbound inbound;
        private final Map<String, String> offsets = new LinkedHashMap<>();
        private Duration nextPollIn;
        private Runnable onStored;
        private String description;
        private boolean held;

        private Builder() {
        }

        public Builder inbound(Inbound inbound) {
            this.inbound = inbound;
            return this;
        }

        /** The next position under {@code key}, stored with the inbound (declare the key in the schedule). */
        public Builder offset(String key, String value) {
            offsets.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Poll again after this wait (zero: at once), e.g. a server's "nothing new, ask again in N seconds". */
        public Builder nextPollIn(Duration wait) {
            this.nextPollIn = wait == null || wait.isNegative() ? Duration.ZERO : wait;
            return this;
        }

        /** Poll again at once: the server long-polls, or said there is more. */
        public Builder pollAgainNow() {
            return nextPollIn(Duration.ZERO);
        }

        /** What to do once this result is stored (acknowledge upstream, remember what was confirmed). */
        public Builder onStored(Runnable action) {
            this.onStored = action;
            return this;
        }

        /**
         * Names what this result holds for the problem shown when storing it fails (e.g. {@code updates up to 502});
         * ids and counts only, never customer data.
         */
        public Builder describedAs(String description) {
            this.description = description;
            return this;
        }

        public PollResult build() {
            return new PollResult(this);
        }
    }
}
