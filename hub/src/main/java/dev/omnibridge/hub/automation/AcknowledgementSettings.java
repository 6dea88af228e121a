package dev.omnibridge.hub.automation;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one channel instance acknowledges customer messages, after the instance's own keys were laid over the
 * hub-wide block ({@link AcknowledgementConfig} declares and reads both).
 *
 * @param enabled         whether to acknowledge at all
 * @param quietPeriod     no second acknowledgement in a conversation within this time of the last one, nor within
 *                        it of an agent's reply
 * @param calendar        the business calendar that tells in-hours from out-of-hours, or null: always in hours
 * @param defaultLanguage the templates' language when the message names none the templates have
 * @param expectedAnswer  business time in which an answer can be expected, for {@code {expectedAnswer}}
 * @param channelName     what {@code {channel}} reads, or null for the channel type's usual name
 * @param templates       by lower-case language tag (e.g. {@code en}, {@code de}, {@code pt-br})
 */
public record AcknowledgementSettings(boolean enabled, Duration quietPeriod, String calendar, String defaultLanguage,
                                      Duration expectedAnswer, String channelName, Map<String, Texts> templates) {

    /** The in-hours and out-of-hours texts of one language. */
    public record Texts(AckTemplate inHours, AckTemplate outOfHours) {
        public AckTemplate pick(boolean open) {
            return open ? inHours : outOfHours;
        }
    }

    public static final AcknowledgementSettings DISABLED = new AcknowledgementSettings(false, Duration.ofHours(12),
            null, "en", Duration.ofHours(4), null, Map.of());

    /**
     * The language to answer in: the message's language (e.g. {@code de-AT}), else its primary language
     * ({@code de}), when the templates have it; else the default language.
     */
    public String languageFor(String messageLanguage) {
        if (messageLanguage != null && !messageLanguage.isBlank()) {
            String tag = messageLanguage.strip().replace('_', '-').toLowerCase(Locale.ROOT);
            if (templates.containsKey(tag)) {
                return tag;
            }
            int dash = tag.indexOf('-');
            if (dash > 0 && templates.containsKey(tag.substring(0, dash))) {
                return tag.substring(0, dash);
            }
        }
        return defaultLanguage;
    }

    public Optional<Texts> texts(String language) {
        return Optional.ofNullable(templates.get(language));
    }
}
