package dev.omnibridge.connector.twilio;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Twilio's standard SMS keywords. A message whose whole body (trimmed, any case) is one of them changes whether the
 * customer may be written to; carriers and Twilio enforce opt-outs, and the hub must not try to send past them.
 */
enum Keywords {
    STOP, START, HELP;

    /** Twilio's default opt-out words, including the two it added in 2024 (OPTOUT, REVOKE). */
    private static final Set<String> OPT_OUT = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
            "OPTOUT", "REVOKE");
    private static final Set<String> OPT_IN = Set.of("START", "YES", "UNSTOP");
    private static final Set<String> HELP_WORDS = Set.of("HELP", "INFO");

    /**
     * The keyword a message carries.
     *
     * @param body        the message text
     * @param optOutType  Twilio's {@code OptOutType} parameter (sent with Advanced Opt-Out), which wins when present
     */
    static Optional<Keywords> of(String body, String optOutType) {
        if (optOutType != null && !optOutType.isBlank()) {
            try {
                return Optional.of(valueOf(optOutType.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException unknown) {
                // fall back to the body
            }
        }
        if (body == null) {
            return Optional.empty();
        }
        String word = body.strip().toUpperCase(Locale.ROOT);
        if (OPT_OUT.contains(word)) {
            return Optional.of(STOP);
        }
        if (OPT_IN.contains(word)) {
            return Optional.of(START);
        }
        if (HELP_WORDS.contains(word)) {
            return Optional.of(HELP);
        }
        return Optional.empty();
    }
}
