package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.DeskResponse;
import dev.omnibridge.deskkit.RatePacer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Salesforce's REST API for one org: OAuth 2.0 client credentials for a bearer token, re-authenticating once when a
 * call answers 401 (INVALID_SESSION_ID: the session expired or was revoked), every call paced by one
 * {@link RatePacer} and admitted by the org's daily {@link ApiBudget}, which reads {@code Sforce-Limit-Info} from
 * every answer. The daily limit's 403 REQUEST_LIMIT_EXCEEDED holds calls for minutes (deferred, never a dead letter);
 * the concurrent-requests one is retryable like a 429; 400 UNABLE_TO_LOCK_ROW (someone else, e.g. an agent or a
 * flow, holds the case or contact row) is retryable without holding the instance's other calls. The token and the
 * client secret are only in headers and form bodies, and DeskHttp scrubs both from error messages.
 *
 * <p>All calls go to {@code baseUrl} (the My Domain URL), not to the token answer's {@code instance_url}: with My
 * Domain they are the same host, and the bearer token is never sent to a host named by an answer.
 */
final class SalesforceApi {
    static final String LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED";
    static final String ROW_LOCKED = "UNABLE_TO_LOCK_ROW";

    /** The integration user's session. */
    record Session(DeskHttp http, String userId) {
    }

    /** How long a call may wait for its turn while the budget is spaced; longer, and it is retried later instead. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private final SalesforceSettings settings;
    private final ApiBudget budget;
    private final RatePacer pacer;
    private final DeskHttp tokenHttp;
    private volatile Session session;

    SalesforceApi(SalesforceSettings settings, ApiBudget budget) {
        this.settings = settings;
        this.budget = budget;
        this.pacer = new RatePacer(settings.requestsPerMinute(), Duration.ofMinutes(1));
        this.tokenHttp = DeskHttp.builder(settings.baseUrl()).timeout(settings.timeout()).pacer(pacer)
                .secret(settings.clientSecret().reveal()).build();
    }

    /** Logs in (client credentials) and learns the integration user's id from the token's identity URL. */
    synchronized Session authenticate() throws DeskApiException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + enc(settings.clientId())
                + "&client_secret=" + enc(settings.clientSecret().reveal());
        DeskResponse token = tokenHttp.sendBytes("POST", "/services/oauth2/token",
                "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8), Map.of());
        String accessToken = token.body().path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new DeskApiException("POST /services/oauth2/token answered without an access_token", token.status(),
                    false, null, null);
        }
        DeskHttp http = DeskHttp.builder(settings.baseUrl()).authorization("Bearer " + accessToken)
                .secret(accessToken).secret(settings.clientSecret().reveal()).timeout(settings.timeout()).pacer(pacer)
                // The daily limit's refusal is retryable without DeskHttp's 5 s pacer pause: the budget holds
                // calls for minutes instead, and answers later calls without holding the caller's thread.
                .retryableWhen(a -> limitExceeded(a) && !ApiBudget.dailyLimitRefusal(a))
                .transientWhen(a -> rowLocked(a) || ApiBudget.dailyLimitRefusal(a))
                .onAnswer(budget::observe).build();
        // The identity URL ends with /<orgId>/<userId>; userinfo is the documented fallback.
        String identity = token.body().path("id").asText("");
        String userId = identity.substring(identity.lastIndexOf('/') + 1);
        if (userId.isEmpty()) {
            userId = http.get("/services/oauth2/userinfo").body().path("user_id").asText("");
        }
        session = new Session(http, userId);
        return session;
    }

    /** The integration user's id: its own comments and posts are never replies. */
    String userId() throws DeskApiException, InterruptedException {
        return session().userId();
    }

    /** A call under {@code /services/data/<version>}; on 401 logs in again and repeats it once. */
    DeskResponse data(String method, String path, JsonNode body) throws DeskApiException, InterruptedException {
        return data(method, path, body, Map.of());
    }

    /** The same with request headers such as {@code Sforce-Duplicate-Rule-Header}. */
    DeskResponse data(String method, String path, JsonNode body, Map<String, String> headers)
            throws DeskApiException, InterruptedException {
        String full = "/services/data/" + settings.apiVersion() + path;
        Session s = session();
        try {
            return send(s, method, full, body, headers);
        } catch (DeskApiException e) {
            if (e.status() != 401) {
                throw e;
            }
            synchronized (this) {
                if (session == s) {
                    authenticate();
                }
            }
            return send(session(), method, full, body, headers);
        }
    }

    /** The org's daily API budget this instance spends. */
    ApiBudget budget() {
        return budget;
    }

    /** One call when the budget admits it; while the daily limit is used up, a retryable failure until then. */
    private DeskResponse send(Session s, String method, String full, JsonNode body,
                              Map<String, String> headers)
            throws DeskApiException, InterruptedException {
        // Named without the query string: a SOQL lookup may carry a customer's email or phone number.
        int query = full.indexOf('?');
        String call = method + " " + (query < 0 ? full : full.substring(0, query));
        Duration wait = budget.admit(PATIENCE);
        if (wait.compareTo(PATIENCE) > 0) {
            throw held(call + " not sent", 0, wait, null);
        }
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis());
        }
        try {
            return s.http().send(method, full, body, headers);
        } catch (DeskApiException e) {
            Duration paused = budget.pausedFor();
            if (e.retryable() && !paused.isZero() && limitExceeded(e)) {
                // Salesforce sends no Retry-After; the hub's retry should come when the pause ends, not in seconds.
                throw held(e.getMessage(), e.status(), paused, e.body());
            }
            throw e;
        }
    }

    /** A retryable failure that says when to come back; status 0 when the call was not sent at all. */
    private DeskApiException held(String what, int status, Duration wait, JsonNode body) {
        Duration paused = budget.pausedFor();
        String why = paused.isZero() ? "Salesforce's daily API requests are low; calls are spaced to last the day"
                : "Salesforce's daily API request limit is used up";
        // Deferred: the org's budget, not this delivery, failed; however long it lasts, no dead letter for it.
        return DeskApiException.deferred(what + ": " + why + ", next call in " + wait.toSeconds() + " s", status,
                wait, body);
    }

    private static boolean limitExceeded(DeskApiException e) {
        return e.status() == 403 && e.body() != null && e.body().toString().contains(LIMIT_EXCEEDED);
    }

    /** A SOQL query's records (first page: every query here has a LIMIT within one page). */
    JsonNode query(String soql) throws DeskApiException, InterruptedException {
        return data("GET", "/query?q=" + enc(soql), null).body().path("records");
    }

    /**
     * A SOSL search's records ({@code GET /search/?q=}); the answer is {@code {"searchRecords":[...]}} (older API versions
     * answered a bare array, read too).
     */
    JsonNode search(String sosl) throws DeskApiException, InterruptedException {
        JsonNode answer = data("GET", "/search/?q=" + enc(sosl), null).body();
        return answer.isArray() ? answer : answer.path("searchRecords");
    }

    /** Salesforce's errorCode for the 403 that means the org's API request limit is used up. */
    static boolean limitExceeded(DeskResponse answer) {
        return answer.status() == 403 && hasErrorCode(answer, LIMIT_EXCEEDED);
    }

    /**
     * The 400 Salesforce answers when it cannot lock the record within its wait (someone else is saving the case or
     * its contact, a flow or trigger holds it): the same request succeeds once the lock is released.
     */
    static boolean rowLocked(DeskResponse answer) {
        return answer.status() == 400 && hasErrorCode(answer, ROW_LOCKED);
    }

    /** Salesforce's error answers are an array of {@code {message, errorCode, fields}}. */
    private static boolean hasErrorCode(DeskResponse answer, String code) {
        if (!answer.body().isArray()) {
            return false;
        }
        for (JsonNode error : answer.body()) {
            if (code.equals(error.path("errorCode").asText())) {
                return true;
            }
        }
        return false;
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Session session() throws DeskApiException, InterruptedException {
        Session s = session;
        return s != null ? s : authenticate();
    }
}
