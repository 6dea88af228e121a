package dev.omnibridge.hub.console;

import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.webhook.HmacSignatures;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console logins. The admin token is exchanged once for a random session id (kept in an HttpOnly cookie, so page
 * scripts never hold the token) and a CSRF token the page sends on every state-changing call. Sessions live in
 * memory: a hub restart logs everybody out, which is acceptable for an operator console.
 */
public final class ConsoleSessions {
    public static final String COOKIE = "omnibridge_console";
    /** The request header that carries a session's CSRF token on every state-changing call. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final Duration LIFETIME = Duration.ofHours(8);
    public record Session(String id, String csrf, Instant expiresAt) {
    }

    /** Why a login did not produce a session. */
    public enum Refusal { WRONG_TOKEN, TOO_MANY_ATTEMPTS }

    public static final class LoginRefused extends Exception {
        private final Refusal refusal;
        private final Duration retryAfter;

        LoginRefused(Refusal refusal, Duration retryAfter) {
            super(refusal == Refusal.WRONG_TOKEN ? "wrong admin token" : "too many failed logins; wait a few minutes");
            this.refusal = refusal;
            this.retryAfter = retryAfter;
        }

        public Refusal refusal() {
            return refusal;
        }

        /** How long the client should wait (TOO_MANY_ATTEMPTS), else null. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String adminToken;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AuthFailures failures;

    /** @param failures wrong tokens per client address, shared with the admin API's bearer check */
    public ConsoleSessions(String adminToken, Clock clock, AuthFailures failures) {
        this.adminToken = adminToken;
        this.clock = clock;
        this.failures = failures;
    }

    /** A session for the right token, even from an address past its budget of wrong ones (see AuthFailures). */
    public Session login(String token, String clientAddress) throws LoginRefused {
        Instant now = clock.instant();
        if (token == null || !HmacSignatures.constantTimeEquals(adminToken, token)) {
            Optional<Duration> wait = failures.failed(clientAddress);
            throw new LoginRefused(wait.isPresent() ? Refusal.TOO_MANY_ATTEMPTS : Refusal.WRONG_TOKEN,
                    wait.orElse(null));
        }
        sessions.values().removeIf(s -> s.expiresAt().isBefore(now));
        Session session = new Session(random(), random(), now.plus(LIFETIME));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session a cookie value names, if any. */
    public Optional<Session> find(String id) {
        Session s = id == null ? null : sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (s.expiresAt().isBefore(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Whether a request's CSRF header matches the session's token. */
    public static boolean csrfMatches(Session session, String header) {
        return header != null && HmacSignatures.constantTimeEquals(session.csrf(), header);
    }

    public void logout(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
