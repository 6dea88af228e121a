package dev.omnibridge.hub.config;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves {@code ${env:NAME}} and {@code ${env:NAME:-fallback}} in configuration strings. */
final class EnvReferences {
    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Function<String, String> env;

    EnvReferences(Function<String, String> env) {
        this.env = env;
    }

    /**
     * @param missing receives the names of variables that are unset and have no fallback
     */
    String resolve(String text, List<String> missing) {
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                missing.add(m.group(1));
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static EnvReferences system() {
        Map<String, String> env = System.getenv();
        return new EnvReferences(env::get);
    }
}
