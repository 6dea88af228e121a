package dev.omnibridge.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Checks a setting's converted value; returns the problem, or empty when the value is fine. */
@FunctionalInterface
public interface Validator {
    Optional<String> check(Object value);

    static Validator range(long min, long max) {
        return v -> {
            long n = ((Number) v).longValue();
            return n < min || n > max ? Optional.of("must be between " + min + " and " + max + ", was " + n)
                    : Optional.empty();
        };
    }

    static Validator oneOf(String... allowed) {
        List<String> values = Arrays.asList(allowed);
        return v -> values.contains(String.valueOf(v)) ? Optional.empty()
                : Optional.of("must be one of " + values + ", was '" + v + "'");
    }

    static Validator nonEmpty() {
        return v -> {
            boolean empty = v instanceof Collection<?> c ? c.isEmpty() : String.valueOf(v).isBlank();
            return empty ? Optional.of("must not be empty") : Optional.empty();
        };
    }
}
