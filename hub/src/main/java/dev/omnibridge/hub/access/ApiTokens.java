package dev.omnibridge.hub.access;

import dev.omnibridge.webhook.HmacSignatures;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tokens the admin API accepts as {@code Authorization: Bearer}: {@code hub.adminToken} (an admin token named
 * "admin", the actor "admin-token" as always) and each of {@code access.tokens} with its own role.
 */
public final class ApiTokens {
    private record Entry(String token, Principal principal) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public ApiTokens(String adminToken, List<AccessConfig.ApiToken> tokens) {
        if (adminToken != null && !adminToken.isEmpty()) {
            entries.add(new Entry(adminToken, Principal.ADMIN_TOKEN));
        }
        for (AccessConfig.ApiToken t : tokens) {
            entries.add(new Entry(t.token(), principal(t)));
        }
    }

    /** The actor of a configured token: {@code token:<name>} in the audit trail. */
    public static Principal principal(AccessConfig.ApiToken t) {
        return new Principal("token:" + t.name(), t.name(), t.role(), Principal.Kind.TOKEN);
    }

    /** Who the token is; every configured token is compared (in constant time), whichever matches. */
    public Optional<Principal> match(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Principal found = null;
        for (Entry e : entries) {
            if (HmacSignatures.constantTimeEquals(e.token(), token) && found == null) {
                found = e.principal();
            }
        }
        return Optional.ofNullable(found);
    }
}
