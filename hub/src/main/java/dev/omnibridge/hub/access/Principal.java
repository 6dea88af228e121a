package dev.omnibridge.hub.access;

import io.vertx.ext.web.RoutingContext;

/**
 * Who an admin API request runs as: set by the API's authorization on every {@code /api/} request, read by whatever
 * needs the actor (the audit trail, a reply's author, "assigned to me").
 *
 * @param id   stable identifier: the account id, or the token's name
 * @param name what people see (an agent's name on a reply)
 */
public record Principal(String id, String name, Role role, Kind kind) {
    /** What a principal may do; each role includes the ones below it. */
    public enum Role {
        /** Reads: conversations, analytics, health. */
        VIEWER,
        /** Works conversations: reads, answers, resolves, assigns. */
        AGENT,
        /** Everything: instances, configuration, plugins, dead letters, accounts. */
        ADMIN;

        /** Whether this role may do what {@code needed} may. */
        public boolean allows(Role needed) {
            return compareTo(needed) >= 0;
        }
    }

    /** A person's account, or a token for automation. */
    public enum Kind { ACCOUNT, TOKEN }

    /** The configured admin token ({@code adminToken}), the same actor id the audit trail has always used. */
    public static final Principal ADMIN_TOKEN = new Principal("admin-token", "admin", Role.ADMIN, Kind.TOKEN);

    private static final String KEY = Principal.class.getName();

    /** Records who the request runs as. */
    public static void set(RoutingContext ctx, Principal principal) {
        ctx.put(KEY, principal);
    }

    /**
     * Who the request runs as.
     *
     * @throws IllegalStateException on a route the authorization did not pass (a programming error)
     */
    public static Principal of(RoutingContext ctx) {
        Principal p = ctx.get(KEY);
        if (p == null) {
            throw new IllegalStateException("no principal on " + ctx.request().path());
        }
        return p;
    }
}
