package dev.omnibridge.hub.access;

import java.time.Duration;
import java.util.List;

/**
 * The {@code access:} section: API tokens for automation besides {@code hub.adminToken}, console session timeouts
 * and the lockout after wrong passwords.
 *
 * @param tokens          named API tokens, each with a role (API only: a token never logs into the console,
 *                        except the admin token until the first account exists)
 * @param idleTimeout     a session unused this long ends
 * @param absoluteTimeout a session ends this long after the login, used or not
 * @param lockoutAfter    wrong passwords in a row that lock an account
 * @param lockoutFor      how long a locked account stays locked
 * @param oidc            single sign-on with an OpenID Connect provider; {@code null}: off
 */
public record AccessConfig(List<ApiToken> tokens, Duration idleTimeout, Duration absoluteTimeout, int lockoutAfter,
                           Duration lockoutFor, OidcConfig oidc) {
    public static final String KEY = "access";
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);
    public static final int DEFAULT_LOCKOUT_AFTER = 5;
    public static final Duration DEFAULT_LOCKOUT_FOR = Duration.ofMinutes(15);

    /** A configured API token: its name is the actor in the audit trail; the value is a secret. */
    public record ApiToken(String name, String token, Principal.Role role) {
        @Override
        public String toString() {
            return "ApiToken[" + name + ", " + role + "]";
        }
    }

    public AccessConfig {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public AccessConfig(List<ApiToken> tokens, Duration idleTimeout, Duration absoluteTimeout, int lockoutAfter,
                        Duration lockoutFor) {
        this(tokens, idleTimeout, absoluteTimeout, lockoutAfter, lockoutFor, null);
    }

    public static AccessConfig standard() {
        return new AccessConfig(List.of(), DEFAULT_IDLE, DEFAULT_ABSOLUTE, DEFAULT_LOCKOUT_AFTER,
                DEFAULT_LOCKOUT_FOR);
    }

    public AccessConfig withTimeouts(Duration idle, Duration absolute) {
        return new AccessConfig(tokens, idle, absolute, lockoutAfter, lockoutFor, oidc);
    }

    public AccessConfig withTokens(List<ApiToken> tokens) {
        return new AccessConfig(tokens, idleTimeout, absoluteTimeout, lockoutAfter, lockoutFor, oidc);
    }

    public AccessConfig withOidc(OidcConfig oidc) {
        return new AccessConfig(tokens, idleTimeout, absoluteTimeout, lockoutAfter, lockoutFor, oidc);
    }
}
