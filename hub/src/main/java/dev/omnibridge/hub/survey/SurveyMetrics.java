package dev.omnibridge.hub.survey;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The surveys' meters: {@code omnibridge_survey_sent_total{instance,kind}},
 * {@code omnibridge_survey_skipped_total{instance,reason}} and
 * {@code omnibridge_survey_ratings_total{instance,kind,rating}}. Labels are configured instance ids, the two kinds,
 * a handful of reason codes ({@link SkipReason}) and ratings 0-10: bounded.
 */
public final class SurveyMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SurveyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** For tests that do not read the figures. */
    public static SurveyMetrics none() {
        return new SurveyMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    void sent(String instance, String kind) {
        counter("omnibridge.survey.sent", "Surveys sent to customers, per channel instance and kind (csat, nps).",
                "instance", instance, "kind", kind).increment();
    }

    void skipped(String instance, SkipReason reason) {
        counter("omnibridge.survey.skipped", "Surveys not sent, per channel instance and reason.", "instance",
                instance, "reason", reason.label()).increment();
    }

    void rated(String instance, String kind, int rating) {
        counter("omnibridge.survey.ratings", "Survey answers, per channel instance, kind and rating.", "instance",
                instance, "kind", kind, "rating", String.valueOf(rating)).increment();
    }

    private Counter counter(String name, String help, String... tags) {
        return counters.computeIfAbsent(name + '\u0000' + String.join("\u0000", tags),
                k -> Counter.builder(name).description(help).tags(tags).register(registry));
    }

    /** Why a survey was not sent: the metric's label; the row's skip_reason says more. */
    enum SkipReason {
        DISABLED("disabled"), NO_ADDRESS("no_address"), OPTED_OUT("opted_out"), CHANNEL_CLOSED("channel_closed"),
        REPLY_WINDOW_CLOSED("reply_window_closed"), NEVER_OPEN("calendar_never_open");

        private final String label;

        SkipReason(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }
}
