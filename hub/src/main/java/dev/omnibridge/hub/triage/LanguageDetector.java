package dev.omnibridge.hub.triage;

/** Tells the language of a customer's text, offline; says "unknown" rather than guess. */
public interface LanguageDetector {
    /** Detects nothing: every text is of unknown language. */
    LanguageDetector NONE = text -> Detection.unknown(0);

    /** The language of {@code text}, or unknown when it cannot tell with enough confidence. */
    Detection detect(String text);

    /**
     * @param language   BCP 47 language tag (lower case, e.g. {@code de}), or null: unknown
     * @param confidence 0 to 1, the detector's confidence in the language it found (or would have found)
     */
    record Detection(String language, double confidence) {
        public static Detection unknown(double confidence) {
            return new Detection(null, confidence);
        }

        public boolean known() {
            return language != null;
        }
    }
}
