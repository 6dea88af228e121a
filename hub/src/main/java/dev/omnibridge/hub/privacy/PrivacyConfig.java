package dev.omnibridge.hub.privacy;

/**
 * The {@code privacy:} section: retention of message bodies and attachments, and masking of sensitive numbers in
 * message text, hub-wide and per channel instance.
 */
public record PrivacyConfig() {
    public static final String KEY = "privacy";

    /** No section: bodies kept for good, nothing masked. */
    public static PrivacyConfig none() {
        return new PrivacyConfig();
    }
}
