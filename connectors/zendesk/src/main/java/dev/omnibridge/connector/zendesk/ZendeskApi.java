package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;

import java.net.URI;
import java.net.URLEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Zendesk Ticketing API calls the connector makes, over the paced {@link DeskHttp}. Shapes follow Zendesk's
 * reference: Users (create_or_update, search by external_id, delete, permanently delete), Attachments (uploads),
 * Tickets (create/update/show/list by external_id, delete),
 * Ticket Comments (list with sideloaded users), Ticket Audits (list), Deleted Tickets (permanently delete).
 * https://developer.zendesk.com/api-reference/ticketing/
 */
final class ZendeskApi {
    private final DeskHttp http;
    private final URI base;

    ZendeskApi(URI base, String email, String apiToken, Duration timeout, dev.omnibridge.deskkit.RatePacer pacer) {
        this(base, email, apiToken, timeout, pacer, java.util.Set.of());
    }

    ZendeskApi(URI base, String email, String apiToken, Duration timeout, dev.omnibridge.deskkit.RatePacer pacer,
               java.util.Set<String> filesTrustedForTests) {
        this.base = base;
        // API token auth: Basic base64("{email}/token:{api_token}").
        this.http = DeskHttp.builder(base).basicAuth(email + "/token", apiToken).timeout(timeout).pacer(pacer)
                .filesTrustedForTests(filesTrustedForTests).build();
    }

    /** {@code GET /api/v2/users/me}: the API user; also proves the credentials. */
    JsonNode me() throws DeskApiException, InterruptedException {
        return http.get("/api/v2/users/me").body().path("user");
    }

    /**
     * {@code POST /api/v2/users/create_or_update}: matched by email or external_id, so repeating it is safe. The
     * answer's user, as Zendesk holds it (with the {@code email} and {@code phone} an agent may have added).
     */
    JsonNode createOrUpdateUser(ObjectNode user) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.set("user", user);
        return http.post("/api/v2/users/create_or_update", body).body().path("user");
    }

    /** {@code GET /api/v2/users/search?external_id=...}: the users carrying a hub contact id. */
    JsonNode usersByExternalId(String externalId) throws DeskApiException, InterruptedException {
        return http.get("/api/v2/users/search?external_id=" + URLEncoder.encode(externalId, StandardCharsets.UTF_8))
                .body().path("users");
    }

    /**
     * {@code DELETE /api/v2/users/{id}} (soft delete, 200 with the user), the step Zendesk requires before a
     * permanent deletion. False when Zendesk knows no such active user (404: already deleted, or never made).
     */
    boolean deleteUser(long userId) throws DeskApiException, InterruptedException {
        return deleted("/api/v2/users/" + userId);
    }

    /**
     * {@code DELETE /api/v2/deleted_users/{id}}: permanently deletes a soft-deleted user, the GDPR erasure (Zendesk
     * then scrubs the user's personal data; limited to 700 users per 10 minutes, 429 with Retry-After beyond).
     * False when there is no such deleted user (404: already permanently deleted, or never made).
     */
    boolean permanentlyDeleteUser(long userId) throws DeskApiException, InterruptedException {
        return deleted("/api/v2/deleted_users/" + userId);
    }

    /** {@code DELETE /api/v2/tickets/{id}} (soft delete, 204); false when there is no such ticket (404). */
    boolean deleteTicket(String ticketId) throws DeskApiException, InterruptedException {
        return deleted("/api/v2/tickets/" + ticketId);
    }

    /**
     * {@code DELETE /api/v2/deleted_tickets/{id}}: permanently deletes a soft-deleted ticket (Zendesk queues a job
     * and answers 200 with its job_status); false when there is no such deleted ticket (404).
     */
    boolean permanentlyDeleteTicket(String ticketId) throws DeskApiException, InterruptedException {
        return deleted("/api/v2/deleted_tickets/" + ticketId);
    }

    private boolean deleted(String path) throws DeskApiException, InterruptedException {
        try {
            http.send("DELETE", path, null, Map.of());
            return true;
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
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
                    ? onThisHost(body.path("links").path("next").asText()) : null;
        }
        return items;
    }

    /**
     * {@code PUT /api/v2/tickets/{id}/tags} with {@code {"tags": [...]}} (Tags API, "Add Tags"): adds the tags to
     * the ticket's own, keeping them. Update Ticket's {@code tags} would replace them; Zendesk documents Add Tags (or
     * Update Many's {@code additional_tags}) for adding ("Adding tags to tickets without overwriting existing tags").
     */
    void addTags(String ticketId, java.util.Collection<String> tags) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        tags.forEach(body.putArray("tags")::add);
        http.put("/api/v2/tickets/" + ticketId + "/tags", body);
    }

    /**
     * {@code GET /api/v2/help_center/locales}: the help center's enabled locales ({@code locales}, e.g.
     * {@code ["en-us","de"]}) with the default one first.
     */
    List<String> helpCenterLocales() throws DeskApiException, InterruptedException {
        JsonNode body = http.get("/api/v2/help_center/locales").body();
        java.util.LinkedHashSet<String> locales = new java.util.LinkedHashSet<>();
        String byDefault = body.path("default_locale").asText("");
        if (!byDefault.isBlank()) {
            locales.add(byDefault);
        }
        body.path("locales").forEach(l -> {
            if (l.isTextual() && !l.asText().isBlank()) {
                locales.add(l.asText());
            }
        });
        return List.copyOf(locales);
    }

    /**
     * {@code GET /api/v2/help_center/{locale}/articles?page[size]=100}, every cursor page up to {@code pages}
     * ({@code meta.has_more} and {@code links.next}, as the Help Center API's cursor pagination documents; 100 is the
     * largest page). {@code locale} null lists the help center's default locale.
     */
    List<JsonNode> articles(String locale, int pages) throws DeskApiException, InterruptedException {
        String path = locale == null ? "/api/v2/help_center/articles"
                : "/api/v2/help_center/" + URLEncoder.encode(locale, StandardCharsets.UTF_8) + "/articles";
        return pages(path + "?page[size]=100", "articles", pages, null);
    }

    /**
     * A next-page link as a path on the configured base URL: Zendesk writes its links with the account's own
     * subdomain, which differs from baseUrl when the instance is configured with a host-mapped domain.
     */
    static String onThisHost(String link) {
        if (!link.startsWith("http://") && !link.startsWith("https://")) {
            return link;
        }
        int path = link.indexOf('/', link.indexOf("//") + 2);
        return path < 0 ? "/" : link.substring(path);
    }

    /** Whether a URL is on the Zendesk account's own host, the only place the credentials may go. */
    boolean isDeskHost(URI url) {
        return http.isDeskHost(url);
    }

    /** Stores an attachment from the account's own host, fetched with the credentials (private files need them). */
    Attachment download(URI url, String name, String type, long maxBytes, AttachmentStore store)
            throws IOException, InterruptedException {
        return http.download(url.toString(), name, type, maxBytes, store);
    }

    String scrub(String text) {
        return http.scrub(text);
    }
}
