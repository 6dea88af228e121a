package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Secret;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code access:}, reporting every problem under its key; a bad value is reported and the default stands in.
 * <pre>
 * access:
 *   tokens:
 *     - {name: reporting, token: ${env:OMNIBRIDGE_REPORTING_TOKEN}, role: viewer}
 *     - {name: deploy-bot, token: ${env:OMNIBRIDGE_DEPLOY_TOKEN}, role: admin}
 *   sessions: {idleTimeout: 30m, absoluteTimeout: 12h}
 *   lockout: {after: 5, for: 15m}
 * </pre>
 */
public final class AccessSection {
    private static final Set<String> KEYS = Set.of("tokens", "sessions", "lockout");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private AccessSection() {
    }

    /** @param adminToken the legacy {@code hub.adminToken}: no configured token may have the same value */
    public static AccessConfig read(JsonNode section, String adminToken, List<ConfigProblem> problems) {
        AccessConfig d = AccessConfig.standard();
        if (section == null || section.isMissingNode() || section.isNull()) {
            return d;
        }
        String key = AccessConfig.KEY;
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, key, "must be a mapping (tokens, sessions, lockout)"));
            return d;
        }
        unknown(section, KEYS, key + ".", problems);
        List<AccessConfig.ApiToken> tokens = tokens(section.path("tokens"), adminToken, problems);
        JsonNode sessions = section.path("sessions");
        unknown(sessions, Set.of("idleTimeout", "absoluteTimeout"), key + ".sessions.", problems);
        Duration idle = duration(sessions, "idleTimeout", d.idleTimeout(), key + ".sessions.idleTimeout", problems);
        Duration absolute = duration(sessions, "absoluteTimeout", d.absoluteTimeout(),
                key + ".sessions.absoluteTimeout", problems);
        JsonNode lockout = section.path("lockout");
        unknown(lockout, Set.of("after", "for"), key + ".lockout.", problems);
        int after = d.lockoutAfter();
        if (lockout.has("after")) {
            String text = lockout.get("after").asText().strip();
            try {
                after = Integer.parseInt(text);
                if (after < 1 || after > 100) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add(new ConfigProblem(null, key + ".lockout.after", "must be a whole number from 1 to 100"));
                after = d.lockoutAfter();
            }
        }
        Duration lockFor = duration(lockout, "for", d.lockoutFor(), key + ".lockout.for", problems);
        return new AccessConfig(tokens, idle, absolute, after, lockFor);
    }

    private static List<AccessConfig.ApiToken> tokens(JsonNode node, String adminToken,
                                                      List<ConfigProblem> problems) {
        List<AccessConfig.ApiToken> tokens = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return tokens;
        }
        if (!node.isArray()) {
            problems.add(new ConfigProblem(null, "access.tokens", "must be a list of {name, token, role}"));
            return tokens;
        }
        Set<String> names = new HashSet<>();
        Set<String> values = new HashSet<>();
        int i = 0;
        for (JsonNode t : node) {
            String k = "access.tokens[" + i++ + "]";
            unknown(t, Set.of("name", "token", "role"), k + ".", problems);
            String name = t.path("name").asText("").strip();
            if (!NAME.matcher(name).matches()) {
                problems.add(new ConfigProblem(null, k + ".name",
                        "must be lower-case letters, digits, '.', '_' or '-' (at most 63)"));
                continue;
            }
            if (name.equals("admin") || !names.add(name)) {
                problems.add(new ConfigProblem(null, k + ".name", "'" + name + "' is taken (\"admin\" is "
                        + "hub.adminToken's name)"));
                continue;
            }
            String value = t.path("token").asText("");
            var weak = value.isEmpty() ? java.util.Optional.of("is required (use ${env:...})")
                    : Secret.weakness(value);
            if (weak.isPresent()) {
                problems.add(new ConfigProblem(null, k + ".token", weak.get()));
                continue;
            }
            if (value.equals(adminToken) || !values.add(value)) {
                problems.add(new ConfigProblem(null, k + ".token", "must differ from every other token"));
                continue;
            }
            Principal.Role role;
            try {
                role = Principal.Role.valueOf(t.path("role").asText("").strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(null, k + ".role", "must be admin, agent or viewer"));
                continue;
            }
            tokens.add(new AccessConfig.ApiToken(name, value, role));
        }
        return tokens;
    }

    private static Duration duration(JsonNode parent, String field, Duration fallback, String key,
                                     List<ConfigProblem> problems) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        try {
            Duration d = ConfigDef.parseDuration(n.asText());
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(null, key, e.getMessage() + ", was '" + n.asText() + "'"));
            return fallback;
        }
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix, List<ConfigProblem> problems) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                problems.add(new ConfigProblem(null, prefix + k, "unknown key; expected one of "
                        + known.stream().sorted().toList()));
            }
        }
    }
}
