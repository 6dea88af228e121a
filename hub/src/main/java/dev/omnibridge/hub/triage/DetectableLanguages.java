package dev.omnibridge.hub.triage;

import java.util.Set;

/**
 * The languages the detector can tell apart (Lingua 1.2.2's 75 languages, by ISO 639-1 code): what
 * {@code triage.languages} and an instance's {@code languages} may list.
 */
public final class DetectableLanguages {
    public static final Set<String> LINGUA = Set.of(
            "af", "sq", "ar", "hy", "az", "eu", "be", "bn", "nb", "bs", "bg", "ca", "zh", "hr", "cs", "da", "nl",
            "en", "eo", "et", "fi", "fr", "lg", "ka", "de", "el", "gu", "he", "hi", "hu", "is", "id", "ga", "it",
            "ja", "kk", "ko", "la", "lv", "lt", "mk", "ms", "mi", "mr", "mn", "nn", "fa", "pl", "pt", "pa", "ro",
            "ru", "sr", "sn", "sk", "sl", "so", "st", "es", "sw", "sv", "tl", "ta", "te", "th", "ts", "tn", "tr",
            "uk", "ur", "vi", "cy", "xh", "yo", "zu");

    private DetectableLanguages() {
    }
}
