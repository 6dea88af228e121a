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
 *   oidc:
 *     issuer: https://login.example.com/realms/acme
 *     clientId: omnibridge-console
 *     clientSecret: ${env:OMNIBRIDGE_OIDC_CLIENT_SECRET}
 *     roleMapping: {support-agents: agent, support-leads: admin}
 * </pre>
 */
public final class AccessSection {
    private static final Set<String> KEYS = Set.of("tokens", "sessions", "lockout", "oidc");
    private static final Set<String> OIDC_KEYS = Set.of("issuer", "clientId", "clientSecret", "scopes",
            "groupsClaim", "roleMapping", "defaultRole", "label", "algorithms", "clockSkew");
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9_.:/-]+");
    private static final Pattern CLAIM_PATH = Pattern.compile("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*");
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
        OidcConfig oidc = oidc(section.path("oidc"), problems);
        return new AccessConfig(tokens, idle, absolute, after, lockFor, oidc);
    }

    /** {@code access.oidc}; null when absent or when it has a problem (single sign-on stays off). */
    private static OidcConfig oidc(JsonNode node, List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String k = "access.oidc";
        if (!node.isObject()) {
            problems.add(new ConfigProblem(null, k, "must be a mapping (issuer, clientId, clientSecret, roleMapping)"));
            return null;
        }
        int before = problems.size();
        unknown(node, OIDC_KEYS, k + ".", problems);
        String issuer = node.path("issuer").asText("").strip();
        if (issuer.isEmpty()) {
            problems.add(new ConfigProblem(null, k + ".issuer", "is required (the provider's issuer URL)"));
        } else if (!secureUrl(issuer)) {
            problems.add(new ConfigProblem(null, k + ".issuer",
                    "must be an https URL without query or fragment (http only for localhost)"));
        }
        String clientId = node.path("clientId").asText("").strip();
        if (clientId.isEmpty()) {
            problems.add(new ConfigProblem(null, k + ".clientId", "is required"));
        }
        String secret = node.path("clientSecret").asText("");
        var weak = secret.isEmpty() ? java.util.Optional.of("is required (use ${env:...})") : Secret.weakness(secret);
        weak.ifPresent(w -> problems.add(new ConfigProblem(null, k + ".clientSecret", w)));
        List<String> scopes = new ArrayList<>();
        JsonNode s = node.path("scopes");
        if (!s.isMissingNode() && !s.isNull()) {
            if (!s.isArray()) {
                problems.add(new ConfigProblem(null, k + ".scopes", "must be a list, e.g. [openid, email, profile]"));
            } else {
                s.forEach(v -> scopes.add(v.asText("").strip()));
                if (!scopes.stream().allMatch(v -> SCOPE.matcher(v).matches())) {
                    problems.add(new ConfigProblem(null, k + ".scopes", "has a scope with characters not allowed"));
                } else if (!scopes.contains("openid")) {
                    problems.add(new ConfigProblem(null, k + ".scopes", "must include openid"));
                }
            }
        }
        String groupsClaim = node.path("groupsClaim").asText(OidcConfig.DEFAULT_GROUPS_CLAIM).strip();
        if (!CLAIM_PATH.matcher(groupsClaim).matches()) {
            problems.add(new ConfigProblem(null, k + ".groupsClaim",
                    "must be a claim name or a dotted path such as realm_access.roles"));
        }
        java.util.Map<String, Principal.Role> mapping = new java.util.LinkedHashMap<>();
        JsonNode m = node.path("roleMapping");
        if (!m.isMissingNode() && !m.isNull()) {
            if (!m.isObject()) {
                problems.add(new ConfigProblem(null, k + ".roleMapping", "must map group names to admin, agent or "
                        + "viewer"));
            } else {
                m.fields().forEachRemaining(e -> {
                    Principal.Role role = role(e.getValue().asText(""));
                    if (role == null) {
                        problems.add(new ConfigProblem(null, k + ".roleMapping." + e.getKey(),
                                "must be admin, agent or viewer"));
                    } else {
                        mapping.put(e.getKey(), role);
                    }
                });
            }
        }
        Principal.Role defaultRole = null;
        String d = node.path("defaultRole").asText("none").strip();
        if (!d.equalsIgnoreCase("none")) {
            defaultRole = role(d);
            if (defaultRole == null) {
                problems.add(new ConfigProblem(null, k + ".defaultRole", "must be none, viewer, agent or admin"));
            }
        }
        if (mapping.isEmpty() && defaultRole == null && problems.size() == before) {
            problems.add(new ConfigProblem(null, k + ".roleMapping",
                    "map at least one group to a role (or set defaultRole), or nobody can sign in"));
        }
        Set<String> algorithms = new HashSet<>();
        JsonNode a = node.path("algorithms");
        if (!a.isMissingNode() && !a.isNull()) {
            a.forEach(v -> algorithms.add(v.asText("").strip()));
            if (!a.isArray() || algorithms.isEmpty() || !OidcConfig.ALLOWED_ALGORITHMS.containsAll(algorithms)) {
                problems.add(new ConfigProblem(null, k + ".algorithms", "must be a list among "
                        + OidcConfig.ALLOWED_ALGORITHMS.stream().sorted().toList()));
            }
        }
        Duration skew = OidcConfig.DEFAULT_CLOCK_SKEW;
        if (node.has("clockSkew")) {
            try {
                skew = ConfigDef.parseDuration(node.get("clockSkew").asText());
                if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                    throw new IllegalArgumentException("must be from 0s to 5m");
                }
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(null, k + ".clockSkew", e.getMessage()));
            }
        }
        if (problems.size() != before) {
            return null;
        }
        return new OidcConfig(issuer, clientId, new Secret(secret), scopes, groupsClaim, mapping, defaultRole,
                node.path("label").asText(null), algorithms, skew);
    }

    private static Principal.Role role(String text) {
        try {
            return Principal.Role.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** https, or http on this machine only (a provider run for tests or development). */
    static boolean secureUrl(String text) {
        try {
            java.net.URI u = new java.net.URI(text);
            if (u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null) {
                return false;
            }
            if ("https".equalsIgnoreCase(u.getScheme())) {
                return true;
            }
            return "http".equalsIgnoreCase(u.getScheme()) && (u.getHost().equals("localhost")
                    || u.getHost().equals("127.0.0.1") || u.getHost().equals("[::1]"));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
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
