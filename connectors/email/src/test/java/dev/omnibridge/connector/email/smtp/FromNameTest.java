package dev.omnibridge.connector.email.smtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FromNameTest {
    @Test
    void theAgentsNameFillsThePlaceholder() {
        assertThat(FromName.render("{agent} (Acme Support)", "Alice")).isEqualTo("Alice (Acme Support)");
        assertThat(FromName.render("{agent} | Acme", " Bob ")).isEqualTo("Bob | Acme");
    }

    @Test
    void withoutAnAgentThePlaceholderGoesWithTheBracketsAndSeparatorsAroundTheRest() {
        assertThat(FromName.render("{agent} (Acme Support)", null)).isEqualTo("Acme Support");
        assertThat(FromName.render("{agent} [Acme Support]", "")).isEqualTo("Acme Support");
        assertThat(FromName.render("{agent} | Acme", null)).isEqualTo("Acme");
        assertThat(FromName.render("Acme Support - {agent}", null)).isEqualTo("Acme Support");
        assertThat(FromName.render("Acme Support ({agent})", null)).isEqualTo("Acme Support");
    }

    @Test
    void aTemplateWithoutPlaceholderIsUsedAsItIs() {
        assertThat(FromName.render("Acme Support", "Alice")).isEqualTo("Acme Support");
        assertThat(FromName.render("Acme Support", null)).isEqualTo("Acme Support");
        assertThat(FromName.render("(Acme) Support (EU)", null)).isEqualTo("(Acme) Support (EU)");
    }

    @Test
    void nothingLeftMeansNoDisplayName() {
        assertThat(FromName.render("{agent}", null)).isNull();
        assertThat(FromName.render("({agent})", null)).isNull();
        assertThat(FromName.render(null, null)).isNull();
        assertThat(FromName.render(null, "Alice")).isEqualTo("Alice");
    }
}
