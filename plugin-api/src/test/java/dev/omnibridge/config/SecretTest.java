package dev.omnibridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTest {
    @Test
    void aSecretOfAFewCharactersIsWeakBecauseOfItsLength() {
        assertThat(Secret.weakness("k3y!")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("too short").contains("4 characters").contains("at least " + Secret.MIN_LENGTH)
                .doesNotContain("k3y!"));
    }

    @Test
    void aLongSecretOfFewDifferentCharactersIsWeakBecauseOfItsCharacters() {
        assertThat(Secret.weakness("abababababababab")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("2 different characters").contains("at least " + Secret.MIN_DISTINCT_CHARACTERS)
                .doesNotContain("abab"));
    }

    @Test
    void aSecretWithALineBreakOrTabIsWeakBecauseItWasCopiedWithIt() {
        assertThat(Secret.weakness("s3cret-Value-42\n")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("control character").doesNotContain("s3cret"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"let-me-in", "5f4dcc3b5aa765d61d8327deb882cf99", "123456789:AAH-test-token-ZZZ",
            "pat-na1-system-test-token", "p@ss w0rd ok"})
    void vendorTokensAndOrdinaryPasswordsAreStrongEnough(String value) {
        assertThat(Secret.weakness(value)).isEmpty();
    }

    @Test
    void aSecretNeverShowsItsValue() {
        assertThat(new Secret("s3cret-Value-42")).hasToString("******");
    }
}
