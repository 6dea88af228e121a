package dev.omnibridge.hub.survey;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Satisfaction surveys ({@code surveys:}): the section's settings are every channel instance's default,
 * {@code channels.<instance id>} gives one instance the keys that differ (read by {@link SurveySection}).
 *
 * @param defaults what a channel instance without an entry gets
 * @param channels per channel instance, the defaults with its entry's keys merged over them
 */
public record SurveyConfig(Settings defaults, Map<String, Settings> channels) {
    public static final String KEY = "surveys";

    public SurveyConfig {
        channels = Map.copyOf(channels);
    }

    /** No surveys anywhere (the section is missing). */
    public static SurveyConfig off() {
        return new SurveyConfig(Settings.OFF, Map.of());
    }

    /** The settings of a channel instance. */
    public Settings forChannel(String instanceId) {
        return channels.getOrDefault(instanceId, defaults);
    }

    /** Whether any channel instance may get a survey (else the hub installs nothing for them). */
    public boolean anyEnabled() {
        return defaults.asksAnything() || channels.values().stream().anyMatch(Settings::asksAnything);
    }

    /**
     * @param enabled false: no survey on the channel at all (its resolutions are recorded as skipped)
     * @param csat    the 1-5 satisfaction question, and the timing both kinds follow
     * @param nps     the 0-10 recommendation question, asked instead of CSAT when due for the contact
     */
    public record Settings(boolean enabled, Csat csat, Nps nps) {
        static final Settings OFF = new Settings(true, Csat.DEFAULT, Nps.DEFAULT);

        /** Whether a resolution on the channel may lead to a survey. */
        public boolean asksAnything() {
            return enabled && (csat.enabled() || nps.enabled());
        }
    }

    /**
     * @param enabled       whether resolved conversations get the 1-5 question
     * @param delay         how long after the resolution the survey is sent
     * @param calendar      the business calendar whose open hours it is sent in, by name; null: the channel
     *                      instance's own calendar (always open without one)
     * @param commentWindow how long after the rating the customer's next message is taken as its comment; zero: no
     *                      comment is asked for
     * @param expireAfter   how long a survey sent waits for its rating
     * @param texts         the texts per language (two-letter code) that differ from the built-in ones
     */
    public record Csat(boolean enabled, Duration delay, String calendar, Duration commentWindow, Duration expireAfter,
                       Map<String, Texts> texts) {
        static final Csat DEFAULT = new Csat(false, Duration.ofMinutes(15), null, Duration.ofHours(24),
                Duration.ofDays(3), Map.of());

        public Csat {
            texts = Map.copyOf(texts);
        }
    }

    /**
     * @param enabled whether contacts are asked the 0-10 question
     * @param every   at most once per contact per this period
     * @param texts   its texts per language that differ from the built-in ones
     */
    public record Nps(boolean enabled, Duration every, Map<String, Texts> texts) {
        static final Nps DEFAULT = new Nps(false, Duration.ofDays(90), Map.of());

        public Nps {
            texts = Map.copyOf(texts);
        }
    }

    /**
     * A language's texts; a null field takes the built-in text.
     *
     * @param question the survey's question
     * @param comment  the question for the optional comment, sent after the rating
     * @param thanks   sent after the comment
     * @param labels   CSAT only: the five options' titles, from 1 to 5
     */
    public record Texts(String question, String comment, String thanks, java.util.List<String> labels) {
        public Texts {
            labels = labels == null ? null : java.util.List.copyOf(labels);
        }

        /** These texts, the gaps filled from {@code base}. */
        Texts over(Texts base) {
            return new Texts(question != null ? question : base.question(), comment != null ? comment
                    : base.comment(), thanks != null ? thanks : base.thanks(), labels != null ? labels
                    : base.labels());
        }
    }

    /** The language code texts are kept under: the primary subtag, lower case ("de-CH" -> "de"). */
    static String language(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        String t = tag.strip().toLowerCase(Locale.ROOT);
        int dash = t.indexOf('-') >= 0 ? t.indexOf('-') : t.indexOf('_');
        return dash > 0 ? t.substring(0, dash) : t;
    }
}
