package dev.omnibridge.hub.survey;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class RatingParserTest {

    @ParameterizedTest(name = "\"{0}\" is {1}/5")
    @CsvSource(delimiter = '|', textBlock = """
            4                  | 4
            5.                 | 5
            4/5                | 4
            4 / 5              | 4
            4 of 5             | 4
            3 out of 5         | 3
            I'd say 5          | 5
            I’d give it a 2    | 2
            10/10              | 5
            ★★★★               | 4
            ⭐⭐⭐              | 3
            ****               | 4
            4 stars            | 4
            5 Sterne           | 5
            😀                 | 5
            😊                 | 5
            🙂                 | 4
            😐                 | 3
            🙁                 | 2
            😞                 | 1
            😡                 | 1
            👍                 | 4
            👍🏽                 | 4
            👎                 | 2
            great              | 5
            Excellent!         | 5
            good               | 4
            very good          | 5
            ok                 | 3
            not bad            | 4
            not good           | 2
            bad                | 2
            terrible           | 1
            Great, thanks!     | 5
            super              | 5
            sehr gut           | 5
            gut                | 4
            geht so            | 3
            schlecht           | 2
            super gut          | 5
            génial             | 5
            très bien          | 5
            bien               | 4
            pas mal            | 4
            mal                | 2
            nul                | 1
            excelente          | 5
            muy bien           | 5
            regular            | 3
            malo               | 2
            pésimo             | 1
            great 😀           | 5
            5 - excellent      | 5
            """)
    void freeTextAnswersAreReadAsTheirRating(String answer, int rating) {
        assertThat(RatingParser.csat(answer, null)).as(answer).isEqualTo(OptionalInt.of(rating));
    }

    @ParameterizedTest(name = "\"{0}\" is no rating")
    @ValueSource(strings = {"My order 4711 never arrived", "When will my refund arrive?", "3 items are missing",
            "I have 2 more questions", "Thanks, but the parcel is still missing", "good bad", "hello",
            "Can I talk to an agent?", "7", "0", "6/5", "12.03.2026", "******", "yes", "no", "",
            "The delivery was great but the parcel arrived broken and nobody answers my emails anymore at all"})
    void anythingElseIsNoRating(String answer) {
        assertThat(RatingParser.csat(answer, null)).as(answer).isEmpty();
    }

    @Test
    void aPickedOptionWinsOverItsTitle() {
        assertThat(RatingParser.csat("Excellent", "csat-4")).hasValue(4);
        assertThat(RatingParser.csat("whatever", "2")).hasValue(2);
        assertThat(RatingParser.csat("Good", "yes")).hasValue(4);
        assertThat(RatingParser.csat(null, "csat-9")).isEmpty();
    }

    @ParameterizedTest(name = "NPS \"{0}\" is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0            | 0
            8            | 8
            10           | 10
            9/10         | 9
            7 out of 10  | 7
            I'd say 9    | 9
            """)
    void npsAnswersAreZeroToTen(String answer, int score) {
        assertThat(RatingParser.nps(answer, null)).hasValue(score);
    }

    @Test
    void npsRefusesWhatIsNoScore() {
        assertThat(RatingParser.nps("11", null)).isEmpty();
        assertThat(RatingParser.nps("great", null)).isEmpty();
        assertThat(RatingParser.nps("order 4711", null)).isEmpty();
        assertThat(RatingParser.nps("x", "nps-6")).hasValue(6);
    }
}
