package dev.omnibridge.privacy;

import dev.omnibridge.model.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {

    @ParameterizedTest
    @ValueSource(strings = {"+14155550100", "+447700900123", "+4915112345678", "+3531234567", "+123456789012345"})
    void phoneMaskingNeverShowsTheWholeNumber(String phone) {
        String masked = Redact.phone(phone);

        assertThat(masked).isNotEqualTo(phone).hasSameSizeAs(phone).contains("*");
        assertThat(masked.replace("*", "").length()).as("digits kept").isLessThanOrEqualTo(phone.length() / 2);
        // At most a quarter of the number, and never more than 3 leading / 4 trailing characters, is shown.
        int keepStart = Math.min(3, phone.length() / 4);
        int keepEnd = Math.min(4, phone.length() / 4);
        assertThat(masked).startsWith(phone.substring(0, keepStart)).endsWith(phone.substring(phone.length() - keepEnd));
        assertThat(masked.substring(keepStart, masked.length() - keepEnd)).matches("\\*+");
    }

    @Test
    void phoneMaskingKeepsCountryCodeAndLastDigits() {
        assertThat(Redact.phone("+447700900123")).isEqualTo("+44*******123");
        assertThat(Redact.phone("+4915112345678")).isEqualTo("+49********678");
        assertThat(Redact.phone("+3531234567")).isEqualTo("+3*******67");
    }

    @Test
    void shortValuesAreMaskedCompletely() {
        assertThat(Redact.phone("123")).isEqualTo("***");
        assertThat(Redact.phone(null)).isNull();
    }

    @Test
    void emailMaskingHidesTheLocalPart() {
        assertThat(Redact.email("john.doe@example.com")).isEqualTo("j***@example.com");
        assertThat(Redact.email("a@example.com")).isEqualTo("a***@example.com").isNotEqualTo("a@example.com");
        assertThat(Redact.email("no-at-sign")).isEqualTo("***");
        assertThat(Redact.email("@example.com")).isEqualTo("***");
        assertThat(Redact.email(null)).isNull();
    }

    @Test
    void addressToStringIsMasked() {
        assertThat(Address.phone("+447700900123").toString()).isEqualTo("PHONE:+44*******123");
        assertThat(Address.email("John.Doe@Example.com").toString()).isEqualTo("EMAIL:j***@example.com")
                .doesNotContain("john.doe");
        assertThat(Address.chatUser("123456789").toString()).isEqualTo("CHAT_USER:12***89");
        assertThat(Address.chatUser("1234").toString()).isEqualTo("CHAT_USER:***");
        assertThat(Redact.address(null)).isNull();
    }

    @Test
    void recordsHoldingAnAddressDoNotLeakItThroughToString() {
        var author = dev.omnibridge.model.Author.customer("Ann", Address.phone("+447700900123"));

        assertThat(author.toString()).doesNotContain("+447700900123").contains("+44*******123");
    }

    @Test
    void freeTextKeepsItsWordsButMasksEveryAddressAndNumberInIt() {
        String error = "550 5.1.1 <ann.smith@customer.example>: Recipient address rejected; call +44 7700 900123";

        String masked = Redact.text(error);

        assertThat(masked).startsWith("550 5.1.1 <a***@customer.example>: Recipient address rejected; call ")
                .doesNotContain("ann.smith").doesNotContain("7700 900");
    }
}
