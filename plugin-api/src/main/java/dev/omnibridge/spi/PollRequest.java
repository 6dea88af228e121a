package dev.omnibridge.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the hub hands a {@link PolledSource} for one poll: the offsets stored for the keys the source's
 * {@link PollSchedule#offsetKeys()} declares (read after the previous result was stored), and how the previous polls
 * went. Built by the hub (and by tests with {@link #builder()}); it may grow.
 */
public final class PollRequest {
    private final Map<String, String> offsets;
    private final Set<String> keys;
    private final int failures;

    private PollRequest(Builder b) {
        this.offsets = Map.copyOf(b.offsets);
        this.keys = Set.copyOf(b.keys);
        this.failures = b.failures;
    }

    /**
     * The stored offset under {@code key}.
     *
     * @throws IllegalArgumentException the schedule does not declare the key, so the hub did not read it
     */
    public Optional<String> offset(String key) {
        if (!keys.contains(key)) {
            throw new IllegalArgumentException("offset key '" + key + "' is not declared in PollSchedule.offsetKeys");
        }
        return Optional.ofNullable(offsets.get(key));
    }

    /** The stored offsets of the declared keys (keys with none stored are left out). */
    public Map<String, String> offsets() {
        return offsets;
    }

    /** Polls that failed in a row just before this one (0 after a success). */
    public int consecutiveFailures() {
        return failures;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> offsets = new LinkedHashMap<>();
        private final java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        private int failures;

        private Builder() {
        }

        /** A declared key and its stored value ({@code null}: none stored). */
        public Builder offset(String key, String value) {
            keys.add(key);
            if (value != null) {
                offsets.put(key, value);
            }
            return this;
        }

        public Builder consecutiveFailures(int failures) {
            this.failures = Math.max(0, failures);
            return this;
        }

        public PollRequest build() {
            return new PollRequest(this);
        }
    }
}
