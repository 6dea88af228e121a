package dev.omnibridge.hub.survey;

import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.model.Satisfaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The survey's messages: to the customer (author BOT "Omnibridge", tag {@value Satisfaction#SURVEY_TAG}), each with a
 * source id naming its conversation so the store keeps it once; and the notes that tell the desks the answer.
 */
final class SurveyMessages {
    static final String AUTHOR = "Omnibridge";
    static final String CSAT = "csat";
    static final String NPS = "nps";

    private SurveyMessages() {
    }

    /** Where the customer is written to: the conversation's channel and thread. */
    record Thread(String conversationId, ChannelRef channel, String threadKey) {
    }

    /**
     * The survey question. CSAT offers the five ratings as options ({@link Choices}; ids {@code csat-1} to
     * {@code csat-5}, numbered 1-5 where the channel has no buttons, so the number typed is the rating); NPS asks for
     * a number in its text (eleven options numbered from 1 would misread 0-10).
     */
    static Message survey(Thread t, String kind, SurveyConfig.Texts texts, String language, Instant now) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(Satisfaction.KIND, kind);
        if (CSAT.equals(kind)) {
            List<Choice> choices = new ArrayList<>(5);
            for (int i = 0; i < 5; i++) {
                choices.add(new Choice("csat-" + (i + 1), texts.labels().get(i)));
            }
            metadata = Choices.offer(metadata, choices);
        }
        return toCustomer(t, "survey:" + t.conversationId(), texts.question(), language, metadata, now);
    }

    static Message commentQuestion(Thread t, SurveyConfig.Texts texts, String language, Instant now) {
        return toCustomer(t, "survey-comment:" + t.conversationId(), texts.comment(), language, Map.of(), now);
    }

    static Message thanks(Thread t, SurveyConfig.Texts texts, String language, Instant now) {
        return toCustomer(t, "survey-thanks:" + t.conversationId(), texts.thanks(), language, Map.of(), now);
    }

    private static Message toCustomer(Thread t, String sourceId, String text, String language,
                                      Map<String, String> metadata, Instant now) {
        return Message.builder().direction(Direction.OUTBOUND).channel(t.channel()).threadKey(t.threadKey())
                .conversationId(t.conversationId()).channelMessageId(sourceId)
                .author(new Author(Role.BOT, AUTHOR, null)).text(text).language(language).receivedAt(now)
                .tags(Set.of(Satisfaction.SURVEY_TAG)).metadata(metadata).build();
    }

    /** The note with the rating: "Customer satisfaction: 4/5 (Good)", tags csat and csat-4 (nps, nps-9). */
    static InternalNote ratingNote(String conversationId, String channelInstance, String kind, int rating,
                                   SurveyConfig.Texts englishTexts) {
        String text = CSAT.equals(kind)
                ? "Customer satisfaction: " + rating + "/5 (" + englishTexts.labels().get(rating - 1).toLowerCase(
                        Locale.ROOT) + "), from the survey sent after the conversation was resolved."
                : "Customer recommendation score (NPS): " + rating + "/10 (" + npsGroup(rating) + "), from the "
                        + "survey sent after the conversation was resolved.";
        return new InternalNote(conversationId, channelInstance, "notice:survey-rating:" + conversationId, text,
                tags(kind, rating), null, Map.of(Satisfaction.RATING, String.valueOf(rating), Satisfaction.KIND,
                kind));
    }

    /** The note with the customer's comment; it repeats the rating, so a desk reading either has both. */
    static InternalNote commentNote(String conversationId, String channelInstance, String kind, int rating,
                                    String comment) {
        String text = "Customer comment on the " + (CSAT.equals(kind) ? "satisfaction survey (" + rating + "/5)"
                : "recommendation survey (" + rating + "/10)") + ":\n\n" + comment;
        return new InternalNote(conversationId, channelInstance, "notice:survey-comment:" + conversationId, text,
                tags(kind, rating), null, Map.of(Satisfaction.RATING, String.valueOf(rating), Satisfaction.KIND,
                kind, Satisfaction.COMMENT, comment));
    }

    private static Set<String> tags(String kind, int rating) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add(Satisfaction.SURVEY_TAG);
        tags.add(kind);
        tags.add(kind + "-" + rating);
        return tags;
    }

    static String npsGroup(int score) {
        return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    }
}
