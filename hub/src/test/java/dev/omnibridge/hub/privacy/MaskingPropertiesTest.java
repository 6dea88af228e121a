package dev.omnibridge.hub.privacy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Masking as properties: any Luhn-valid card number and any mod-97-valid IBAN, however grouped and wherever in a
 * text, leaves nothing of itself but what the mask shows; a number that fails its check is left as written;
 * masking twice is masking once.
 */
class MaskingPropertiesTest {
    private final Masking masking = new Masking(List.of(PrivacyConfig.CARD, PrivacyConfig.IBAN), Map.of());

    @Property
    void aValidCardNumberAnywhereInATextIsMaskedDownToItsLastFourDigits(@ForAll("cards") String digits,
                                                                         @ForAll("groupings") String separator,
                                                                         @ForAll("words") String before,
                                                                         @ForAll("words") String after) {
        String text = before + " " + grouped(digits, separator) + " " + after;

        Masking.Result masked = masking.mask(text);

        assertThat(digitsOf(masked.text())).as(masked.text()).isEqualTo(digits.substring(digits.length() - 4));
        assertThat(masked.text()).contains("[card ****" + digits.substring(digits.length() - 4) + "]")
                .startsWith(before).endsWith(after);
        assertThat(masked.counts()).containsEntry(PrivacyConfig.CARD, 1);
    }

    /** Written in one piece: in groups, a prefix of whole groups may pass the check by chance, and is masked. */
    @Property
    void aCardNumberWhoseLuhnCheckFailsIsLeftAsWritten(@ForAll("cards") String digits,
                                                       @ForAll("words") String before) {
        char check = digits.charAt(digits.length() - 1);
        String wrong = digits.substring(0, digits.length() - 1) + (char) ('0' + (check - '0' + 1) % 10);
        String text = before + " " + wrong + ".";

        assertThat(masking.mask(text).text()).isEqualTo(text);
    }

    @Property
    void aValidIbanAnywhereInATextIsMaskedDownToItsCountryAndLastFour(@ForAll("ibans") String iban,
                                                                      @ForAll boolean inGroups,
                                                                      @ForAll boolean lowerCase,
                                                                      @ForAll("words") String before,
                                                                      @ForAll("words") String after) {
        String written = inGroups ? grouped(iban, " ") : iban;
        written = lowerCase ? written.toLowerCase(java.util.Locale.ROOT) : written;
        String text = before + " " + written + " " + after;

        Masking.Result masked = masking.mask(text);

        assertThat(masked.text().replace(" ", "").toUpperCase(java.util.Locale.ROOT)).as(masked.text())
                .doesNotContain(iban.substring(4));
        // The words after it may by chance extend it to a longer valid IBAN (1 in 97): then that is masked.
        assertThat(masked.text()).contains("[IBAN " + iban.substring(0, 2) + "** ****").startsWith(before);
        assertThat(masked.counts()).containsEntry(PrivacyConfig.IBAN, 1);
    }

    @Property
    void anIbanWithWrongCheckDigitsIsLeftAsWritten(@ForAll("ibans") String iban, @ForAll("words") String before) {
        int check = Integer.parseInt(iban.substring(2, 4));
        String wrong = iban.substring(0, 2) + String.format("%02d", check == 97 ? 2 : check + 1) + iban.substring(4);
        String text = before + " " + wrong + ". Thanks";

        assertThat(masking.mask(text).text()).isEqualTo(text);
    }

    @Property
    void maskingTwiceIsMaskingOnce(@ForAll("texts") String text) {
        String once = masking.mask(text).text();

        assertThat(masking.mask(once).text()).isEqualTo(once);
    }

    @Property
    void aTextWithoutDigitsIsUnchanged(@ForAll("words") String text) {
        Masking.Result masked = masking.mask(text);

        assertThat(masked.text()).isEqualTo(text);
        assertThat(masked.changed()).isFalse();
    }

    // ---- generators ----

    /** Card numbers: a scheme's first digit (2-6), 13 to 19 digits, a correct Luhn check digit. */
    @Provide
    Arbitrary<String> cards() {
        return Combinators.combine(Arbitraries.integers().between(2, 6),
                        Arbitraries.strings().numeric().ofMinLength(11).ofMaxLength(17))
                .as((first, body) -> withLuhnDigit(first + body));
    }

    @Provide
    Arbitrary<String> groupings() {
        return Arbitraries.of("", " ", "-");
    }

    /** IBANs: two letters, correct check digits, 11 to 30 upper-case letters and digits. */
    @Provide
    Arbitrary<String> ibans() {
        return Combinators.combine(Arbitraries.strings().withCharRange('A', 'Z').ofLength(2),
                        Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').ofMinLength(11)
                                .ofMaxLength(30))
                .as(MaskingPropertiesTest::withIbanCheckDigits);
    }

    /** Text without digits: letters, spaces and punctuation. */
    @Provide
    Arbitrary<String> words() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars(" .,!?:;()'é")
                .ofMaxLength(40);
    }

    /** Anything card- or IBAN-like: digits, separators, letters. */
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789 -+abDE[]*").ofMaxLength(80),
                Combinators.combine(words(), cards(), ibans(), words())
                        .as((a, card, iban, b) -> a + " " + card + " " + iban + " " + b + " " + card.substring(3)));
    }

    // ---- helpers ----

    static String withLuhnDigit(String partial) {
        for (char d = '0'; d <= '9'; d++) {
            if (CardNumbers.luhn(partial + d)) {
                return partial + d;
            }
        }
        throw new IllegalStateException();
    }

    static String withIbanCheckDigits(String country, String bban) {
        StringBuilder numeric = new StringBuilder();
        for (char c : (bban + country + "00").toCharArray()) {
            numeric.append(Character.digit(c, 36));
        }
        int check = 98 - new java.math.BigInteger(numeric.toString()).mod(java.math.BigInteger.valueOf(97)).intValue();
        return country + String.format("%02d", check) + bban;
    }

    private static String grouped(String chars, String separator) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < chars.length(); i += 4) {
            if (i > 0) {
                out.append(separator);
            }
            out.append(chars, i, Math.min(chars.length(), i + 4));
        }
        return out.toString();
    }

    private static String digitsOf(String text) {
        return text.replaceAll("[^0-9]", "");
    }
}
