package dev.omnibridge.hub.privacy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Masking on the texts customers write. */
class MaskingTest {
    private final Masking all = new Masking(List.of(PrivacyConfig.CARD, PrivacyConfig.IBAN, "ssn"),
            Map.of("ssn", Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b")));

    @Test
    void aCardNumberWrittenInGroupsIsMaskedToItsLastFourDigits() {
        assertThat(all.mask("My card is 4111 1111 1111 1111, exp 12/27").text())
                .isEqualTo("My card is [card ****1111], exp 12/27");
        assertThat(all.mask("Amex 3782-822463-10005 please").text()).isEqualTo("Amex [card ****0005] please");
    }

    @Test
    void aCardAfterAnotherNumberIsStillFound() {
        assertThat(all.mask("order 12 4111 1111 1111 1111").text()).isEqualTo("order 12 [card ****1111]");
    }

    @Test
    void orderNumbersPhoneNumbersAndDatesAreLeftAlone() {
        String text = "Order 1234567890123 (fails Luhn), call +49 4111 1111 1111 1 or on 2026-12-04";
        assertThat(all.mask(text).text()).isEqualTo(text);
    }

    @Test
    void anIbanIsMaskedAndTheWordsAfterItAreKept() {
        assertThat(all.mask("IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX").text())
                .isEqualTo("IBAN [IBAN DE** ****3000] BIC COBADEFFXXX");
        assertThat(all.mask("pay to gb82west12345698765432.").text()).isEqualTo("pay to [IBAN GB** ****5432].");
    }

    @Test
    void anOperatorsPatternIsMaskedByItsName() {
        Masking.Result r = all.mask("SSN 078-05-1120 and card 5555555555554444");
        assertThat(r.text()).isEqualTo("SSN [ssn] and card [card ****4444]");
        assertThat(r.counts()).containsEntry("ssn", 1).containsEntry("card", 1);
    }

    @Test
    void aChannelWithoutKindsMasksNothing() {
        Masking none = new Masking(List.of(), Map.of());
        assertThat(none.mask("4111 1111 1111 1111").text()).isEqualTo("4111 1111 1111 1111");
    }
}
