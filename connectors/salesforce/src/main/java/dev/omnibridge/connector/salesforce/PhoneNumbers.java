package dev.omnibridge.connector.salesforce;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Phone numbers as Salesforce holds them, compared in E.164. Salesforce keeps whatever was typed ("+1 415-555-1212",
 * "415.555.1212") and formats 10-digit numbers of US/Canada users as "(415) 555-1212", so text equality misses
 * the customer; libphonenumber reads each form, numbers without a country code in the instance's region.
 */
final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final String region;

    PhoneNumbers(String region) {
        this.region = region.toUpperCase(Locale.ROOT);
    }

    /** The E.164 form of a stored number, or empty for text that is no possible phone number. */
    Optional<String> e164(String stored) {
        if (stored == null || stored.isBlank()) {
            return Optional.empty();
        }
        try {
            PhoneNumber n = UTIL.parse(stored, region);
            return UTIL.isPossibleNumber(n)
                    ? Optional.of(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164)) : Optional.empty();
        } catch (NumberParseException notANumber) {
            return Optional.empty();
        }
    }

    /** Whether the stored text is the customer's number (given in E.164, as the hub keeps phone addresses). */
    boolean same(String customerE164, String stored) {
        Optional<String> a = e164(customerE164);
        return a.isPresent() && a.equals(e164(stored));
    }

    /**
     * What to ask Salesforce's search for: the national significant number (how the number is usually written
     * nationally, without trunk prefix) and all digits with the country code. Only digits, so nothing in them needs
     * escaping in SOSL.
     */
    static List<String> searchDigits(String customerE164) {
        try {
            PhoneNumber n = UTIL.parse(customerE164, "ZZ");
            String national = UTIL.getNationalSignificantNumber(n);
            return List.of(national, n.getCountryCode() + national);
        } catch (NumberParseException notE164) {
            return List.of(customerE164.replaceAll("\\D", ""));
        }
    }

    /** Validator of the {@code phoneRegion} setting: a region libphonenumber has metadata for. */
    static Optional<String> checkRegion(Object value) {
        String r = String.valueOf(value).toUpperCase(Locale.ROOT);
        return UTIL.getSupportedRegions().contains(r) ? Optional.empty()
                : Optional.of("must be an ISO 3166 country code such as US, GB or DE");
    }
}
