package dev.omnibridge.hub.access;

import dev.omnibridge.config.Secret;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code access.oidc}: single sign-on to the console with an OpenID Connect provider (Keycloak, Entra ID, Google...),
 * authorization code flow with PKCE.
 *
 * @param issuer       the exact {@code iss} the provider puts in its ID tokens; its discovery document is read from
 *                     {@code <issuer>/.well-known/openid-configuration}
 * @param clientId     the hub's client id at the provider (the ID token's audience)
 * @param clientSecret the client secret (a confidential client); sent only to the token endpoint
 * @param scopes       asked for at the provider; always includes {@code openid}
 * @param groupsClaim  the claim holding the user's groups or roles; a dotted path reaches into objects
 *                     ({@code realm_access.roles})
 * @param roleMapping  group (exact) to role; a user in several mapped groups gets the highest role
 * @param defaultRole  the role of a user in no mapped group; {@code null}: such a user is refused
 * @param label        the console's button text, "Sign in with ..."
 * @param algorithms   the ID token signature algorithms accepted (asymmetric only)
 * @param clockSkew    allowed difference between the provider's clock and the hub's
 */
public record OidcConfig(String issuer, String clientId, Secret clientSecret, List<String> scopes, String groupsClaim,
                         Map<String, Principal.Role> roleMapping, Principal.Role defaultRole, String label,
                         Set<String> algorithms, Duration clockSkew) {
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");
    public static final String DEFAULT_GROUPS_CLAIM = "groups";
    public static final String DEFAULT_LABEL = "single sign-on";
    public static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");
    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256");
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Where the provider sends the browser back, under the hub's public URL; registered at the provider. */
    public static final String CALLBACK_PATH = "/console/login/oidc/callback";

    public OidcConfig {
        scopes = scopes == null || scopes.isEmpty() ? DEFAULT_SCOPES : List.copyOf(scopes);
        groupsClaim = groupsClaim == null || groupsClaim.isBlank() ? DEFAULT_GROUPS_CLAIM : groupsClaim;
        roleMapping = roleMapping == null ? Map.of() : Map.copyOf(roleMapping);
        label = label == null || label.isBlank() ? DEFAULT_LABEL : label;
        algorithms = algorithms == null || algorithms.isEmpty() ? DEFAULT_ALGORITHMS : Set.copyOf(algorithms);
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
    }

    /** The redirect URI for a hub reachable at {@code publicUrl}. */
    public static String redirectUri(URI publicUrl) {
        String base = publicUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH;
    }

    @Override
    public String toString() {
        return "OidcConfig[" + issuer + ", client " + clientId + "]";
    }
}
