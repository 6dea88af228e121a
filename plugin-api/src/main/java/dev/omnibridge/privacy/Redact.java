package dev.omnibridge.privacy;

import dev.omnibridge.model.Address;

/**
 * Masks customer data for log lines. Logs keep enough to correlate ({@code +44*******123}, {@code j***@example.com})
 * and never the whole value.
 */
public final class Redact {
    private Redact() {
    }

    public static String phone(String phone) {
        if (phone == null) {
            return null;
        }
        int keepStart = Math.min(3, phone.length() / 4);
        int keepEnd = Math.min(4, phone.length() / 4);
        return phone.substring(0, keepStart) + "*".repeat(Math.max(0, phone.length() - keepStart - keepEnd))
                + phone.substring(phone.length() - keepEnd);
    }

    public static String email(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    private static final java.util.regex.Pattern EMAIL_IN_TEXT =
            java.util.regex.Pattern.compile("[\\w.+%-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final java.util.regex.Pattern PHONE_IN_TEXT =
            java.util.regex.Pattern.compile("\\+?\\d[\\d ()-]{6,}\\d");

    /**
     * Masks every email address and phone number inside free text, such as a server's error message that quotes
     * the recipient ({@code 550 5.1.1 <ann@example.com>: unknown user}).
     */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        String masked = EMAIL_IN_TEXT.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                email(m.group())));
        return PHONE_IN_TEXT.matcher(masked).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                phone(m.group())));
    }

    public static String address(Address address) {
        if (address == null) {
            return null;
        }
        return switch (address.kind()) {
            case PHONE -> phone(address.value());
            case EMAIL -> email(address.value());
            case CHAT_USER -> chatUser(address.value());
        };
    }

    private static String chatUser(String id) {
        return id.length() <= 4 ? "***" : id.substring(0, 2) + "***" + id.substring(id.length() - 2);
    }
}
