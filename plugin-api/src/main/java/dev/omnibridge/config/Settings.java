package dev.omnibridge.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** A connector instance's validated, typed settings. */
public final class Settings {
    private final Map<String, Object> values;

    public Settings(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name) {
        return get(name, String.class);
    }

    public Optional<String> optionalString(String name) {
        return Optional.ofNullable(has(name) ? string(name) : null);
    }

    public int integer(String name) {
        return get(name, Integer.class);
    }

    public long longValue(String name) {
        return get(name, Long.class);
    }

    public boolean bool(String name) {
        return get(name, Boolean.class);
    }

    public Duration duration(String name) {
        return get(name, Duration.class);
    }

    public URI url(String name) {
        return get(name, URI.class);
    }

    public Optional<URI> optionalUrl(String name) {
        return Optional.ofNullable(has(name) ? url(name) : null);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        return has(name) ? get(name, List.class) : List.of();
    }

    public Secret secret(String name) {
        return get(name, Secret.class);
    }

    private <T> T get(String name, Class<T> type) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("setting '" + name + "' has no value");
        }
        if (!type.isInstance(v)) {
            throw new IllegalStateException("setting '" + name + "' is a " + v.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    /** Secrets show as {@code ******}. */
    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
