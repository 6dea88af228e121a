package dev.omnibridge.hub.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one table of who may call what under {@code /api/}: method and path pattern to the least role that may, and
 * the audit action a call is recorded as. The first matching rule wins; a route in no rule needs {@code ADMIN}, so
 * a route added later is closed until it is listed here.
 * <p>Patterns: {@code :name} is one path segment (the first one is the audit entry's subject), {@code *} any one
 * segment, {@code **} what remains (possibly nothing).
 */
public final class AccessPolicy {
    /**
     * @param action       the audit action (null: never audited, e.g. the typing indicator)
     * @param auditAllowed whether an allowed call is audited here; false where the feature writes its own entry (in
     *                     the transaction of the change) or for reads. A refused call is always audited.
     */
    public record Rule(String method, String pattern, Principal.Role role, String action, boolean auditAllowed) {
        boolean matches(String m, String[] path) {
            if (!method.equals("*") && !method.equals(m)) {
                return false;
            }
            String[] p = split(pattern);
            for (int i = 0; i < p.length; i++) {
                if (p[i].equals("**")) {
                    return true;
                }
                if (i >= path.length) {
                    return false;
                }
                if (!p[i].startsWith(":") && !p[i].equals("*") && !p[i].equals(path[i])) {
                    return false;
                }
            }
            return p.length == path.length;
        }

        /** The value of the first {@code :name} segment of the path, the audit entry's subject. */
        String subject(String[] path) {
            String[] p = split(pattern);
            for (int i = 0; i < p.length && i < path.length; i++) {
                if (p[i].startsWith(":")) {
                    return path[i];
                }
            }
            return null;
        }
    }

    /** What the policy says about one request. */
    public record Decision(Rule rule, String subject) {
        public Principal.Role needed() {
            return rule.role();
        }
    }

    private static final Principal.Role VIEWER = Principal.Role.VIEWER;
    private static final Principal.Role AGENT = Principal.Role.AGENT;
    private static final Principal.Role ADMIN = Principal.Role.ADMIN;
    private static final Rule UNKNOWN = new Rule("*", "/api/**", ADMIN, "api.call", true);

    private final List<Rule> rules = new ArrayList<>();

    /** The hub's table. */
    public static AccessPolicy standard() {
        AccessPolicy p = new AccessPolicy();
        // Who am I, log out everywhere: every role.
        p.read("/api/me", VIEWER);
        p.read("/api/agents", VIEWER);
        p.add("POST", "/api/me/sessions/end", VIEWER, "session.end-all", false);
        // Accounts and the audit trail: admins (account changes write their own audit entries).
        p.read("/api/accounts/:id/**", ADMIN);
        p.read("/api/accounts/:id", ADMIN);
        p.read("/api/accounts", ADMIN);
        p.add("*", "/api/accounts/:id/**", ADMIN, "account.change", false);
        p.add("*", "/api/accounts/:id", ADMIN, "account.change", false);
        p.add("*", "/api/accounts", ADMIN, "account.change", false);
        p.read("/api/audit", ADMIN);
        p.read("/api/audit.jsonl", ADMIN);
        // Instances: everyone reads them; starting, stopping, restarting is for admins.
        p.read("/api/instances", VIEWER);
        p.add("POST", "/api/instances/:id/start", ADMIN, "instance.start", true);
        p.add("POST", "/api/instances/:id/stop", ADMIN, "instance.stop", true);
        p.add("POST", "/api/instances/:id/restart", ADMIN, "instance.restart", true);
        // Dead letters and skipped messages hold originals as received: admins.
        p.read("/api/dead-letters", ADMIN);
        p.add("POST", "/api/dead-letters/:id/replay", ADMIN, "dead-letter.replay", true);
        p.read("/api/skipped", ADMIN);
        // Conversations: everyone reads; agents work them.
        p.read("/api/conversations", VIEWER);
        p.read("/api/conversations/**", VIEWER);
        p.add("POST", "/api/conversations/:id/typing", AGENT, null, false);
        p.add("POST", "/api/conversations/:id/replies", AGENT, "conversation.reply", true);
        p.add("POST", "/api/conversations/:id/resolve", AGENT, "conversation.resolve", true);
        p.add("POST", "/api/conversations/:id/reopen", AGENT, "conversation.reopen", true);
        p.add("POST", "/api/conversations/:id/assign", AGENT, "conversation.assign", true);
        p.add("POST", "/api/conversations/:id/notes", AGENT, "conversation.note", true);
        p.add("POST", "/api/conversations/:id/customer-reachable", AGENT, "conversation.customer-reachable", true);
        p.add("*", "/api/conversations/:id/**", AGENT, "conversation.change", true);
        p.add("*", "/api/conversations/**", AGENT, "conversation.change", true);
        p.read("/api/messages", VIEWER);
        p.read("/api/messages/:id", VIEWER);
        p.read("/api/attachments/:sha256", VIEWER);
        p.read("/api/stats", VIEWER);
        p.read("/api/analytics/**", VIEWER);
        // Canned replies: agents use them, admins manage them.
        p.read("/api/snippets", AGENT);
        p.read("/api/snippets/**", AGENT);
        p.add("*", "/api/snippets/:id/**", ADMIN, "snippet.change", true);
        p.add("*", "/api/snippets/:id", ADMIN, "snippet.change", true);
        p.add("*", "/api/snippets", ADMIN, "snippet.change", true);
        // Contacts: everyone reads; agents decide links (audited by the identity feature); export and erasure are
        // for admins (audited by the privacy feature).
        p.read("/api/contacts/:id/export", ADMIN);
        p.read("/api/contacts/:id/erasure", ADMIN);
        p.read("/api/erasures/:jobId", ADMIN);
        p.add("DELETE", "/api/contacts/:id", ADMIN, "contact.erase", false);
        p.read("/api/contacts", VIEWER);
        p.read("/api/contacts/:id", VIEWER);
        p.add("POST", "/api/contacts/links/:linkId/*", AGENT, "contact.link", false);
        p.add("POST", "/api/contacts/:id/links", AGENT, "contact.link", false);
        // Knowledge: everyone reads and tries questions; reading the sources again is for admins.
        p.read("/api/knowledge", VIEWER);
        p.read("/api/knowledge/**", VIEWER);
        p.add("POST", "/api/knowledge/refresh", ADMIN, "knowledge.refresh", true);
        // Store figures and the rules test: admins (the rules test changes nothing: not audited).
        p.read("/api/store", ADMIN);
        // Issue 25: the cluster's nodes, leases and health: everyone reads it, as the instances.
        p.read("/api/cluster", VIEWER);
        p.add("POST", "/api/rules/test", ADMIN, "rules.test", false);
        // Issue 24: plugins and the configuration file read again while the hub runs: admins, audited.
        p.add("POST", "/api/plugins/reload", ADMIN, "plugins.reload", true);
        p.add("POST", "/api/config/reload", ADMIN, "config.reload", true);
        return p;
    }

    /** GET (and HEAD) of the pattern: not audited when allowed. */
    public AccessPolicy read(String pattern, Principal.Role role) {
        rules.add(new Rule("GET", pattern, role, "api.read", false));
        return this;
    }

    public AccessPolicy add(String method, String pattern, Principal.Role role, String action, boolean audit) {
        rules.add(new Rule(method, pattern, role, action, audit));
        return this;
    }

    /** The rule for the request (a route in no rule: admins only, audited). */
    public Decision decide(String method, String path) {
        String m = method.equals("HEAD") ? "GET" : method;
        String[] segments = split(path);
        Rule rule = rules.stream().filter(r -> r.matches(m, segments)).findFirst().orElse(UNKNOWN);
        return new Decision(rule, rule.subject(segments));
    }

    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    public Optional<Rule> find(String method, String pattern) {
        return rules.stream().filter(r -> r.method().equals(method) && r.pattern().equals(pattern)).findFirst();
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/");
    }
}
