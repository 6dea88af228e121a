package dev.omnibridge.hub.triage;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.model.Priority;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled {@code when:} of a rule or a route: every key given must hold (AND); a list value holds when any of
 * its entries does (OR); {@code any:} holds when one of its nested conditions does. Built by {@link ConditionReader}; evaluation allocates nothing but the normalised text
 * keywords need (once per message).
 */
public final class Condition {
    /** The language value that matches messages whose language is not known. */
    public static final String UNKNOWN_LANGUAGE = "unknown";
    /** No key: always holds. */
    public static final Condition ALWAYS = new Builder().build();

    private final String[] languages;
    private final boolean unknownLanguage;
    private final EnumSet<Priority> priorities;
    private final String[] tags;
    private final Set<String> channels;
    private final KeywordMatcher keywords;
    private final RegexMatcher regex;
    private final ContactList contactIn;
    private final int unanswered;
    private final BusinessCalendar inside;
    private final BusinessCalendar outside;
    private final Condition[] any;

    private Condition(Builder b) {
        List<String> known = new ArrayList<>();
        boolean unknown = false;
        if (b.languages != null) {
            for (String l : b.languages) {
                if (l.equals(UNKNOWN_LANGUAGE)) {
                    unknown = true;
                } else {
                    known.add(l);
                }
            }
        }
        this.languages = b.languages == null ? null : known.toArray(String[]::new);
        this.unknownLanguage = unknown;
        this.priorities = b.priorities == null ? null : b.priorities.isEmpty() ? EnumSet.noneOf(Priority.class)
                : EnumSet.copyOf(b.priorities);
        this.tags = b.tags == null ? null : b.tags.toArray(String[]::new);
        this.channels = b.channels == null ? null : Set.copyOf(b.channels);
        this.keywords = b.keywords;
        this.regex = b.regex;
        this.contactIn = b.contactIn;
        this.unanswered = b.unanswered;
        this.inside = b.inside;
        this.outside = b.outside;
        this.any = b.any == null ? null : b.any.toArray(Condition[]::new);
    }

    /** Whether the condition has no key at all. */
    public boolean isAlways() {
        return languages == null && priorities == null && tags == null && channels == null && keywords == null
                && regex == null && contactIn == null && unanswered <= 0 && inside == null && outside == null
                && any == null;
    }

    /** Whether it tests the unanswered count. */
    public boolean usesUnanswered() {
        if (unanswered > 0) {
            return true;
        }
        if (any != null) {
            for (Condition c : any) {
                if (c.usesUnanswered()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The languages it requires (empty when it does not test the language); {@code unknown} included. */
    public List<String> languages() {
        List<String> all = new ArrayList<>();
        if (languages != null) {
            all.addAll(List.of(languages));
        }
        if (unknownLanguage) {
            all.add(UNKNOWN_LANGUAGE);
        }
        return all;
    }

    /** The channel instances it requires, or null when it does not test the channel. */
    public Set<String> channels() {
        return channels;
    }

    boolean test(Facts f) {
        // Cheap tests first; keywords and regular expressions last.
        if (channels != null && !channels.contains(f.message.channel().instanceId())) {
            return false;
        }
        if (unanswered > 0 && f.unanswered < unanswered) {
            return false;
        }
        if (priorities != null && !priorities.contains(f.priority)) {
            return false;
        }
        if (languages != null && !languageHolds(f)) {
            return false;
        }
        if (tags != null && !anyTag(f)) {
            return false;
        }
        if (contactIn != null && !contactIn.contains(f.message.author().address())) {
            return false;
        }
        if (inside != null && !inside.isOpen(f.at)) {
            return false;
        }
        if (outside != null && outside.isOpen(f.at)) {
            return false;
        }
        if (keywords != null && !keywords.matches(f)) {
            return false;
        }
        if (regex != null && !regex.matches(f)) {
            return false;
        }
        return any == null || anyHolds(f);
    }

    private boolean anyHolds(Facts f) {
        for (Condition c : any) {
            if (c.test(f)) {
                return true;
            }
        }
        return false;
    }

    private boolean languageHolds(Facts f) {
        if (f.language == null) {
            return unknownLanguage;
        }
        for (String l : languages) {
            if (f.inLanguage(l)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyTag(Facts f) {
        for (String t : tags) {
            if (f.tags.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** Collects the keys of one {@code when:}; a key left null is not tested. */
    static final class Builder {
        List<String> languages;
        Set<Priority> priorities;
        List<String> tags;
        Set<String> channels;
        KeywordMatcher keywords;
        RegexMatcher regex;
        ContactList contactIn;
        int unanswered;
        BusinessCalendar inside;
        BusinessCalendar outside;
        List<Condition> any;

        Condition build() {
            return new Condition(this);
        }
    }
}
