package dev.omnibridge.connector.salesforce;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only quotes that are unambiguous are cut; an answer is never lost to a guess. */
class EmailReplyTextTest {
    @Test
    void trailingAttributedQuoteIsCut() {
        assertThat(EmailReplyText.of("Thanks, it's on its way.\n\nOn Mon, 23 Nov 2099 at 19:10, Ann Lee "
                + "<ann@example.com> wrote:\n> Where is my parcel?\n>\n> Ann\n", null))
                .isEqualTo("Thanks, it's on its way.");
    }

    @Test
    void quotedLinesInsideTheAnswerStay() {
        String text = "You wrote:\n> the box was damaged\nWe are sending a new one.";
        assertThat(EmailReplyText.of(text, null)).isEqualTo(text);
    }

    @Test
    void anEmailThatIsOnlyAQuoteIsKeptWhole() {
        assertThat(EmailReplyText.of("> forwarded note for you\n> second line", null))
                .isEqualTo("> forwarded note for you\n> second line");
    }

    @Test
    void legacyAndLightningThreadTokensAreRemoved() {
        assertThat(EmailReplyText.of("Done. ref:_00D5e5bGhT._5005e1A2b3c:ref\nthread::pp5XPGfmNf2hRZdRCWnrohc::", null))
                .isEqualTo("Done.");
    }

    @Test
    void htmlParagraphsAndLineBreaksBecomeTextAndScriptsAreDropped() {
        assertThat(EmailReplyText.of("", "<div>Line one<br>Line two</div><script>alert(1)</script><p>Para</p>"))
                .isEqualTo("Line one\nLine two\n\nPara");
    }
}
