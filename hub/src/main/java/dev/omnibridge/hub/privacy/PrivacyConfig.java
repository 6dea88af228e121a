package dev.omnibridge.hub.privacy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code privacy:} section: retention of message bodies and attachments, and masking of sensitive numbers in
 * message text, hub-wide and per channel instance ({@link PrivacySection} reads it).
 *
 * @param retentionDays  message bodies and attachments older than this many days are purged; null: kept for good
 * @param retentionCheck how often the hub looks for bodies to purge
 * @param mask           what is masked in inbound text on every channel that does not say otherwise: {@code card},
 *                       {@code iban} and names of {@code patterns}
 * @param patterns       the operator's own patterns by name (national ids, customer numbers...)
 * @param channels       per channel instance overrides, by instance id
 */
public record PrivacyConfig(Integer retentionDays, Duration retentionCheck, List<String> mask,
                            Map<String, Pattern> patterns, Map<String, Channel> channels) {
    public static final String KEY = "privacy";
    /** The built-in kinds of {@code mask}. */
    public static final String CARD = "card";
    public static final String IBAN = "iban";
    public static final Duration DEFAULT_RETENTION_CHECK = Duration.ofHours(1);

    public PrivacyConfig {
        retentionCheck = retentionCheck == null ? DEFAULT_RETENTION_CHECK : retentionCheck;
        mask = mask == null ? List.of() : List.copyOf(mask);
        patterns = patterns == null ? Map.of() : Map.copyOf(patterns);
        channels = channels == null ? Map.of() : Map.copyOf(channels);
    }

    /**
     * One channel instance's overrides; a null field inherits the hub-wide value.
     *
     * @param retentionDays days its bodies are kept; null: the hub-wide value
     * @param mask          what is masked on it (empty: nothing); null: the hub-wide list
     */
    public record Channel(Integer retentionDays, List<String> mask) {
        public Channel {
            mask = mask == null ? null : List.copyOf(mask);
        }
    }

    /** No section: bodies kept for good, nothing masked. */
    public static PrivacyConfig none() {
        return new PrivacyConfig(null, null, null, null, null);
    }

    /** Days the bodies of this channel instance are kept; empty: for good. */
    public Optional<Integer> retentionDaysOf(String instanceId) {
        Channel c = channels.get(instanceId);
        return Optional.ofNullable(c != null && c.retentionDays() != null ? c.retentionDays() : retentionDays);
    }

    /** What is masked in the inbound text of this channel instance. */
    public List<String> maskOf(String instanceId) {
        Channel c = channels.get(instanceId);
        return c != null && c.mask() != null ? c.mask() : mask;
    }

    /** Whether any channel keeps bodies for a limited time. */
    public boolean anyRetention() {
        return retentionDays != null || channels.values().stream().anyMatch(c -> c.retentionDays() != null);
    }
}
