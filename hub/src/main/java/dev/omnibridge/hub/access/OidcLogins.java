package dev.omnibridge.hub.access;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.omnibridge.hub.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Single sign-on with an OpenID Connect provider, authorization code flow with PKCE (RFC 7636, S256):
 * {@link #begin} sends the browser to the provider with a fresh state, nonce and code challenge; {@link #complete}
 * takes the browser back, trades the code for an ID token, checks it, maps the user's groups to a role and opens a
 * console session for the account of that identity (created at its first sign-in).
 * <p>
 * Sign-ins in progress are kept for ten minutes and used once ({@link PendingSignIns}: in memory on a hub on its
 * own, where a restart in the middle of one makes the user click again; in the store in cluster mode, so the
 * callback may land on any node). Each is bound to the browser that started it by a cookie, so a code
 * sent to someone else's browser (login CSRF) is refused.
 */
public final class OidcLogins {
    private static final Logger LOG = LoggerFactory.getLogger(OidcLogins.class);
    public static final String BROWSER_COOKIE = "omnibridge_oidc";
    public static final String COOKIE_PATH = "/console/login/oidc";
    static final Duration PENDING_FOR = PendingSignIns.VALID_FOR;
    static final int MAX_PENDING = PendingSignIns.MAX;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern LOOKS_LIKE_EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** Where to send the browser, and the value of the cookie that binds the sign-in to it. */
    public record Start(URI authorizeUrl, String browser) {
        @Override
        public String toString() {
            return "Start[...]";
        }
    }

    private final OidcConfig config;
    private final OidcProvider provider;
    private final IdTokenValidator validator;
    private final Logins logins;
    private final Accounts accounts;
    private final AuditTrail audit;
    private final Clock clock;
    private final String redirectUri;
    private final PendingSignIns pending;

    public OidcLogins(OidcConfig config, OidcProvider provider, Logins logins, Accounts accounts, AuditTrail audit,
                      Clock clock, URI publicUrl) {
        this(config, provider, logins, accounts, audit, clock, publicUrl, PendingSignIns.inMemory(clock));
    }

    /** @param pending where sign-ins in progress are kept (issue 25: the store in cluster mode) */
    public OidcLogins(OidcConfig config, OidcProvider provider, Logins logins, Accounts accounts, AuditTrail audit,
                      Clock clock, URI publicUrl, PendingSignIns pending) {
        this.pending = pending;
        this.config = config;
        this.provider = provider;
        this.validator = new IdTokenValidator(config, provider, clock);
        this.logins = logins;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
        this.redirectUri = OidcConfig.redirectUri(publicUrl);
    }

    public String label() {
        return config.label();
    }

    /** A new sign-in: where the provider's login page is, with this sign-in's state, nonce and code challenge. */
    public Start begin() throws SsoRefusal, OidcProvider.Unavailable {
        OidcProvider.Metadata m = provider.metadata();
        Instant now = clock.instant();
        String state = random();
        String nonce = random();
        String verifier = random();
        String browser = random();
        if (!pending.add(state, new PendingSignIns.Pending(nonce, verifier, sha256(browser), now))) {
            throw SsoRefusal.of("too_many", "more than " + MAX_PENDING + " sign-ins in progress");
        }
        String base = m.authorizationEndpoint().toString();
        String url = base + (base.contains("?") ? "&" : "?")
                + "response_type=code"
                + "&client_id=" + query(config.clientId())
                + "&redirect_uri=" + query(redirectUri)
                + "&scope=" + query(String.join(" ", config.scopes()))
                + "&state=" + query(state)
                + "&nonce=" + query(nonce)
                + "&code_challenge=" + query(challenge(verifier))
                + "&code_challenge_method=S256";
        return new Start(URI.create(url), browser);
    }

    /**
     * The browser's return from the provider: {@code query} is the callback's query parameters, {@code browser}
     * the value of the {@link #BROWSER_COOKIE} cookie. A refusal is in the audit trail with its code and detail.
     */
    public Sessions.Opened complete(Map<String, String> query, String browser) throws SsoRefusal,
            OidcProvider.Unavailable {
        try {
            return signIn(query, browser);
        } catch (SsoRefusal refusal) {
            if (!refusal.code().equals("account_disabled")) {
                audit.record(AuditTrail.HUB, "login.failed", null, "sso: " + refusal.code() + ": "
                        + refusal.getMessage());
            }
            throw refusal;
        }
    }

    private Sessions.Opened signIn(Map<String, String> query, String browser) throws SsoRefusal,
            OidcProvider.Unavailable {
        String error = query.get("error");
        if (error != null) {
            throw SsoRefusal.of("provider_refused", "the provider answered error="
                    + IdTokenValidator.shortText(error));
        }
        String state = query.get("state");
        PendingSignIns.Pending p = state == null ? null : pending.take(state).orElse(null);
        if (p == null || !clock.instant().isBefore(p.startedAt().plus(PENDING_FOR))) {
            throw SsoRefusal.suspicious("state_invalid", "unknown, used or expired state");
        }
        if (browser == null || !MessageDigest.isEqual(sha256(browser), p.browserHash())) {
            throw SsoRefusal.suspicious("state_invalid", "the sign-in was started in another browser");
        }
        String iss = query.get("iss");
        if (iss != null && !iss.equals(config.issuer())) {
            // RFC 9207: the answer came from another provider (mix-up attack).
            throw SsoRefusal.suspicious("issuer_mismatch", "the callback names another issuer");
        }
        String code = query.get("code");
        if (code == null || code.isEmpty()) {
            throw SsoRefusal.suspicious("state_invalid", "the callback has no code");
        }
        var tokens = provider.exchange(code, redirectUri, p.verifier(), config.clientId(),
                config.clientSecret().reveal());
        String idToken = tokens.path("id_token").asText(null);
        if (idToken == null || idToken.isEmpty()) {
            throw SsoRefusal.of("id_token_missing", "the token endpoint sent no id_token");
        }
        JWTClaimsSet claims = validator.validate(idToken, p.nonce());
        return open(claims);
    }

    private Sessions.Opened open(JWTClaimsSet claims) throws SsoRefusal {
        String subject = claims.getSubject();
        Optional<Account> existing = accounts.byExternal(config.issuer(), subject);
        List<String> groups = IdTokenValidator.groups(claims, config.groupsClaim());
        if (groups.isEmpty() && claimNames(claims).contains(config.groupsClaim())) {
            throw SsoRefusal.of("groups_overage", "the provider left out the groups (too many) for "
                    + existing.map(Account::id).orElse("a new account"));
        }
        Principal.Role role = role(groups);
        if (role == null) {
            throw SsoRefusal.of("no_role", "no mapped group among " + groups.size() + " ("
                    + String.join(", ", groups.stream().limit(5).map(IdTokenValidator::shortText).toList())
                    + (groups.size() > 5 ? ", ..." : "") + ")");
        }
        String email = email(claims);
        if (email == null) {
            throw SsoRefusal.of("no_email", "the ID token has no email");
        }
        if (existing.isEmpty() && accounts.byEmail(email).isPresent()) {
            throw SsoRefusal.of("email_taken", "another account has this identity's email");
        }
        try {
            return logins.external(config.issuer(), subject, email, name(claims, email), role);
        } catch (AccessException e) {
            if (e.status() == 403) {
                throw SsoRefusal.of("account_disabled", e.getMessage());
            }
            if (e.status() == 409 && existing.isPresent()) {
                throw SsoRefusal.of("last_admin", e.getMessage());
            }
            throw SsoRefusal.of("account_refused", e.getMessage());
        }
    }

    /** The highest role any of the groups maps to; the default role when none does. */
    private Principal.Role role(List<String> groups) {
        Principal.Role best = null;
        for (String g : groups) {
            Principal.Role r = config.roleMapping().get(g);
            if (r != null && (best == null || r.ordinal() > best.ordinal())) {
                best = r;
            }
        }
        return best != null ? best : config.defaultRole();
    }

    /** {@code email}; else {@code preferred_username} or Entra's {@code upn} when they are email addresses. */
    private static String email(JWTClaimsSet claims) {
        for (String claim : List.of("email", "preferred_username", "upn")) {
            Object v = claims.getClaim(claim);
            if (v instanceof String s && LOOKS_LIKE_EMAIL.matcher(s.strip()).matches() && s.length() <= 320) {
                return s.strip();
            }
        }
        return null;
    }

    private static String name(JWTClaimsSet claims, String email) {
        String name = claims.getClaim("name") instanceof String s ? s : null;
        if (name == null || name.isBlank()) {
            String given = claims.getClaim("given_name") instanceof String s ? s : "";
            String family = claims.getClaim("family_name") instanceof String s ? s : "";
            name = (given + " " + family).strip();
        }
        name = name.replaceAll("\\p{Cntrl}", " ").strip();
        if (name.isEmpty()) {
            name = email;
        }
        return name.length() > 200 ? name.substring(0, 200) : name;
    }

    /** Entra's "overage": the groups claim is named in {@code _claim_names} instead of being in the token. */
    private static List<String> claimNames(JWTClaimsSet claims) {
        return claims.getClaim("_claim_names") instanceof Map<?, ?> names
                ? new ArrayList<>(names.keySet().stream().map(String::valueOf).toList()) : List.of();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The PKCE S256 code challenge: BASE64URL(SHA-256(ASCII(verifier))). */
    static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(String value) {
        return OidcProvider.formEncode(value).replace("+", "%20");
    }

    /** For the log: a sign-in could not even start because the provider is unreachable or misconfigured. */
    static void logUnavailable(OidcProvider.Unavailable e) {
        LOG.warn("Single sign-on: the provider is unavailable: {}", e.getMessage());
    }
}
