package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Zendesk Ticketing API calls the connector makes, over the paced {@link DeskHttp}. Shapes follow Zendesk's
 * reference: Users (create_or_update), Attachments (uploads), Tickets (create/update/show/list by external_id),
 * Ticket Comments (list with sideloaded users), Ticket Audits (list).
 * https://developer.zendesk.com/api-reference/ticketing/
 */
final class ZendeskApi {
    private final DeskHttp http;
    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient downloads;

    ZendeskApi(URI base, String email, String apiToken, Duration timeout, dev.omnibridge.deskkit.RatePacer pacer) {
        this.base = base;
        this.timeout = timeout;
        // API token auth: Basic base64("{email}/token:{api_token}").
        this.http = DeskHttp.builder(base).basicAuth(email + "/token", apiToken).timeout(timeout).pacer(pacer).build();
        this.authorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((email + "/token:" + apiToken).getBytes(StandardCharsets.UTF_8));
        this.downloads = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code GET /api/v2/users/me}: the API user; also proves the credentials. */
    JsonNode me() throws DeskApiException, InterruptedException {
        return http.get("/api/v2/users/me").body().path("user");
    }

    /** {@code POST /api/v2/users/create_or_update}: matched by email or external_id, so repeating it is safe. */
    long createOrUpdateUser(ObjectNode user) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.set("user", user);
        return http.post("/api/v2/users/create_or_update", body).body().path("user").path("id").asLong();
    }

    /** {@code POST /api/v2/uploads?filename=...} with the raw bytes: the upload token for a comment's uploads. */
    String upload(String fileName, String mediaType, byte[] bytes) throws DeskApiException, InterruptedException {
        String path = "/api/v2/uploads?filename=" + URLEncoder.encode(fileName, StandardCharsets.UTF_8);
        return http.sendBytes("POST", path, mediaType, bytes, Map.of()).body().path("upload").path("token").asText();
    }

    /** {@code POST /api/v2/tickets} with Zendesk's Idempotency-Key header: the answer holds ticket (and audit). */
    JsonNode createTicket(ObjectNode ticket, String idempotencyKey) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.set("ticket", ticket);
        return http.send("POST", "/api/v2/tickets", body, Map.of("Idempotency-Key", idempotencyKey)).body();
    }

    /** {@code PUT /api/v2/tickets/{id}}: the answer holds ticket and audit (whose events include the comment). */
    JsonNode updateTicket(String ticketId, ObjectNode ticket) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.set("ticket", ticket);
        return http.put("/api/v2/tickets/" + ticketId, body).body();
    }

    JsonNode ticket(String ticketId) throws DeskApiException, InterruptedException {
        return http.get("/api/v2/tickets/" + ticketId).body().path("ticket");
    }

    /** {@code GET /api/v2/tickets?external_id=...}: the tickets carrying a hub conversation id. */
    JsonNode ticketsByExternalId(String externalId) throws DeskApiException, InterruptedException {
        return http.get("/api/v2/tickets?external_id=" + URLEncoder.encode(externalId, StandardCharsets.UTF_8))
                .body().path("tickets");
    }

    /** A ticket's audits, newest first where Zendesk honours sort_order, at most {@code pages} cursor pages. */
    List<JsonNode> audits(String ticketId, int pages) throws DeskApiException, InterruptedException {
        return pages("/api/v2/tickets/" + ticketId + "/audits?sort_order=desc&page[size]=100", "audits", pages, null);
    }

    /**
     * {@code GET /api/v2/tickets/{id}/comments?include=users}, every cursor page up to {@code pages}: the comments
     * (oldest first) and, in {@code users}, their sideloaded authors.
     */
    List<JsonNode> comments(String ticketId, List<JsonNode> users, int pages)
            throws DeskApiException, InterruptedException {
        return pages("/api/v2/tickets/" + ticketId + "/comments?include=users&page[size]=100", "comments", pages,
                users);
    }

    private List<JsonNode> pages(String first, String field, int pages, List<JsonNode> users)
            throws DeskApiException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String next = first;
        for (int i = 0; i < pages && next != null; i++) {
            JsonNode body = http.get(next).body();
            body.path(field).forEach(items::add);
            if (users != null) {
                body.path("users").forEach(users::add);
            }
            next = body.path("meta").path("has_more").asBoolean(false) && body.path("links").hasNonNull("next")
                    ? body.path("links").path("next").asText() : null;
        }
        return items;
    }

    /** Whether a URL is on the Zendesk account's own host, the only place the credentials may go. */
    boolean isDeskHost(URI url) {
        return "https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme())
                ? Objects.equals(url.getHost(), base.getHost()) && url.getPort() == base.getPort() : false;
    }

    /** Downloads an attachment from the account's own host, with the credentials (private attachments need them). */
    InputStream download(URI url) throws IOException, InterruptedException {
        if (!isDeskHost(url)) {
            throw new IllegalArgumentException("refusing to send credentials to another host than the desk's");
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("Authorization", authorization);
        HttpResponse<InputStream> res = downloads.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (res.statusCode() / 100 != 2) {
            res.body().close();
            throw new IOException("attachment download answered HTTP " + res.statusCode());
        }
        return res.body();
    }

    String scrub(String text) {
        return http.scrub(text);
    }
}
