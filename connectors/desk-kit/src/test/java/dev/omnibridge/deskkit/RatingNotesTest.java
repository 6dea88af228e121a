package dev.omnibridge.deskkit;

import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.model.Satisfaction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RatingNotesTest {
    private static Message note(Set<String> tags, Map<String, String> metadata) {
        return Message.builder().id("n1").direction(Direction.INTERNAL).channel(new ChannelRef("webchat", "web"))
                .channelMessageId("survey:n1").threadKey("t").conversationId("c")
                .author(new Author(Role.SYSTEM, "Omnibridge", null)).text("Customer satisfaction: 4/5")
                .receivedAt(Instant.parse("2026-12-01T10:00:00Z")).tags(tags).metadata(metadata).build();
    }

    @Test
    void aSurveyNoteGivesItsTagsRatingKindAndComment() {
        Message m = note(Set.of("csat-4", "csat", "Survey"), Map.of(Satisfaction.RATING, "4",
                Satisfaction.KIND, "csat", Satisfaction.COMMENT, " Quick and kind "));

        assertThat(RatingNotes.ticketTags(List.of(m))).containsExactly("csat", "csat-4", "survey");
        assertThat(RatingNotes.csat(m)).contains(4);
        assertThat(RatingNotes.comment(m)).contains("Quick and kind");
    }

    @Test
    void otherNotesAndNpsScoresAreNoSatisfactionRating() {
        Message breach = note(Set.of("sla-breached"), Map.of("omnibridge.sla.kind", "breached"));
        Message nps = note(Set.of("nps", "nps-9"), Map.of(Satisfaction.RATING, "9", Satisfaction.KIND, "nps"));

        assertThat(RatingNotes.ticketTags(List.of(breach))).isEmpty();
        assertThat(RatingNotes.csat(breach)).isEmpty();
        assertThat(RatingNotes.csat(nps)).isEmpty();
        assertThat(RatingNotes.rating(nps)).contains(9);
        assertThat(RatingNotes.ticketTags(List.of(breach, nps))).containsExactly("nps", "nps-9");
    }
}
