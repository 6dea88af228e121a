package dev.omnibridge.connector.salesforce;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneNumbersTest {
    private final PhoneNumbers us = new PhoneNumbers("US");

    @Test
    void numbersStoredInAnyUsFormatReadAsTheSameE164() {
        assertThat(us.e164("(415) 555-1212")).contains("+14155551212");
        assertThat(us.e164("+1 415-555-1212")).contains("+14155551212");
        assertThat(us.e164("415.555.1212")).contains("+14155551212");
        assertThat(us.e164("1 (415) 555 1212")).contains("+14155551212");
    }

    @Test
    void numbersWithACountryCodeIgnoreTheDefaultRegion() {
        assertThat(us.e164("+44 7700 900123")).contains("+447700900123");
        assertThat(us.e164("+49 30 1234567")).contains("+49301234567");
    }

    @Test
    void nationalNumbersAreReadInTheConfiguredRegion() {
        assertThat(new PhoneNumbers("GB").e164("07700 900123")).contains("+447700900123");
        assertThat(new PhoneNumbers("DE").e164("030 1234567")).contains("+49301234567");
    }

    @Test
    void textThatIsNoPhoneNumberHasNoE164Form() {
        assertThat(us.e164("call reception")).isEmpty();
        assertThat(us.e164("")).isEmpty();
        assertThat(us.e164(null)).isEmpty();
        assertThat(us.e164("12")).isEmpty();
    }

    @Test
    void sameNumberComparesStoredTextWithTheCustomersE164() {
        assertThat(us.same("+14155551212", "(415) 555-1212")).isTrue();
        assertThat(us.same("+14155551212", "(415) 555-1213")).isFalse();
        assertThat(us.same("+14155551212", null)).isFalse();
    }

    @Test
    void searchDigitsAreTheNationalNumberAndTheFullInternationalDigits() {
        assertThat(PhoneNumbers.searchDigits("+14155551212")).containsExactly("4155551212", "14155551212");
        assertThat(PhoneNumbers.searchDigits("+447700900123")).containsExactly("7700900123", "447700900123");
    }

    @Test
    void phoneRegionSettingAcceptsCountryCodesOnly() {
        assertThat(PhoneNumbers.checkRegion("GB")).isEmpty();
        assertThat(PhoneNumbers.checkRegion("de")).isEmpty();
        assertThat(PhoneNumbers.checkRegion("XX")).hasValueSatisfying(m -> assertThat(m).contains("ISO 3166"));
        assertThat(PhoneNumbers.checkRegion("+1")).isPresent();
    }
}
