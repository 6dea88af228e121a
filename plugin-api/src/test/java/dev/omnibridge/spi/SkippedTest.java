package dev.omnibridge.spi;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** The thread key is an addition: items made the way connectors made them before belong to no conversation. */
class SkippedTest {
    private static final URI ORIGINAL = URI.create("attachment:" + "a".repeat(64));

    @Test
    void theFactoriesAndTheFourArgumentConstructorMakeAnItemOfNoConversation() {
        assertThat(Skipped.ignored("oof-1", "Auto-Submitted: auto-replied", ORIGINAL).threadKey()).isNull();
        assertThat(Skipped.deadLetter("raw-1", "unreadable mail", null).threadKey()).isNull();
        assertThat(new Skipped("oof-1", Skipped.Disposition.IGNORED, "Auto-Submitted: auto-replied", ORIGINAL))
                .isEqualTo(Skipped.ignored("oof-1", "Auto-Submitted: auto-replied", ORIGINAL));
    }

    @Test
    void withThreadKeyNamesTheConversationAndKeepsTheRest() {
        Skipped tied = Skipped.ignored("oof-1", "Auto-Submitted: auto-replied", ORIGINAL).withThreadKey("K7QX2M3A");

        assertThat(tied.threadKey()).isEqualTo("K7QX2M3A");
        assertThat(tied.sourceId()).isEqualTo("oof-1");
        assertThat(tied.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
        assertThat(tied.reason()).isEqualTo("Auto-Submitted: auto-replied");
        assertThat(tied.original()).isEqualTo(ORIGINAL);
        assertThat(tied.withThreadKey(null)).isEqualTo(Skipped.ignored("oof-1", "Auto-Submitted: auto-replied",
                ORIGINAL));
    }
}
