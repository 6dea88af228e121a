package dev.omnibridge.hub.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.omnibridge.model.Address;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Phone numbers as the hub keeps them: E.164, parsed with libphonenumber, numbers without a country code read as the
 * configured default region's ({@code identity.defaultRegion}). A WhatsApp wa_id ({@code 4915123456789}), an SMS
 * From ({@code +4915123456789}) and a number typed into a chat ({@code 0151 2345 6789}) become one address.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /** A text with fewer digits than this holds no phone number worth a parse. */
    private static final int MIN_DIGITS = 7;

    private final String defaultRegion;

    /** @param defaultRegion ISO 3166 region for numbers without a country code; null: international form only */
    public PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion == null ? null : defaultRegion.toUpperCase(Locale.ROOT);
    }

    /** Whether libphonenumber knows the region (for the configuration check). */
    public static boolean knownRegion(String region) {
        return region != null && UTIL.getSupportedRegions().contains(region.toUpperCase(Locale.ROOT));
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    /**
     * The number as E.164, when it is a valid number. Digits only with 8 or more of them and no leading 0 (a wa_id, a
     * number some channels give without its plus) are tried as international first.
     */
    public Optional<Address> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.strip();
        if (t.startsWith("00")) {
            t = "+" + t.substring(2);
        }
        if (t.chars().allMatch(Character::isDigit) && t.length() >= 8 && t.charAt(0) != '0') {
            Optional<Address> international = valid(t.startsWith("+") ? t : "+" + t, null);
            if (international.isPresent()) {
                return international;
            }
        }
        return valid(t, t.startsWith("+") ? null : defaultRegion);
    }

    private static Optional<Address> valid(String text, String region) {
        if (region == null && !text.startsWith("+")) {
            return Optional.empty();
        }
        try {
            Phonenumber.PhoneNumber n = UTIL.parse(text, region == null ? "ZZ" : region);
            if (!UTIL.isValidNumber(n)) {
                return Optional.empty();
            }
            return Optional.of(Address.phone(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164)));
        } catch (NumberParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A phone address in the normal form: a valid number reformatted, anything else as it was. */
    public Address normalise(Address phone) {
        return parse(phone.value()).orElse(phone);
    }

    /**
     * The valid phone numbers written in a text (at most {@code max}), in the normal form. Cheap for texts without
     * enough digits: those are not parsed at all.
     */
    public List<Address> findIn(String text, int max) {
        List<Address> found = new ArrayList<>();
        if (text == null || text.chars().filter(Character::isDigit).count() < MIN_DIGITS) {
            return found;
        }
        for (PhoneNumberMatch m : UTIL.findNumbers(text, defaultRegion == null ? "ZZ" : defaultRegion,
                PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
            Address a = Address.phone(UTIL.format(m.number(), PhoneNumberUtil.PhoneNumberFormat.E164));
            if (!found.contains(a)) {
                found.add(a);
            }
            if (found.size() >= max) {
                break;
            }
        }
        return found;
    }
}
