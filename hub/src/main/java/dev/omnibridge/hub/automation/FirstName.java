package dev.omnibridge.hub.automation;

import dev.omnibridge.model.Author;

/**
 * The first name an acknowledgement greets: the first word of the name the channel gave, if it looks like a name.
 * The name is the sender's own input, so only letters (with marks, apostrophes and inner dashes) of at most
 * {@value #MAX} characters are used: a display name cannot put a link or a phone number into the hub's message.
 */
final class FirstName {
    static final int MAX = 40;

    private FirstName() {
    }

    /** The first name, or "" when there is none usable. */
    static String of(Author author) {
        String name = author.displayName();
        if (name == null || name.isBlank()) {
            return "";
        }
        String first = name.strip().split("[\\s,]+", 2)[0];
        if (first.length() > MAX || !first.matches("\\p{L}[\\p{L}\\p{M}'’-]*")) {
            return "";
        }
        return first;
    }
}
