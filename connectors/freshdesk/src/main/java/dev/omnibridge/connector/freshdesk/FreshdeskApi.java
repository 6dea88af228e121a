package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.Multipart;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Freshdesk API v2 calls this connector makes, and nothing else. Reference:
 * https://developers.freshdesk.com/api/ (Tickets: create, list with requester_id filter, view; Conversations: create
 * a note, list; Contacts: list with email/phone/mobile filter, create, permanently delete; Agents: view, me).
 */
final class FreshdeskApi {
    /** Conversations are read page by page; a ticket with more than this many pages is truncated to its start. */
    private static final int MAX_CONVERSATION_PAGES = 10;
    private static final int PAGE_SIZE = 100;
    private static final int AGENT_CACHE_SIZE = 1000;

    private final DeskHttp http;
    /** Agent display names by user id; empty for users that are not agents (a CC'd contact, the requester). */
    private final Map<Long, Optional<String>> agents = new ConcurrentHashMap<>();

    FreshdeskApi(DeskHttp http) {
        this.http = http;
    }

    DeskHttp http() {
        return http;
    }

    /** The agent owning the API key: one cheap authenticated call to check the credentials. */
    JsonNode me() throws DeskApiException, InterruptedException {
        return http.get("/api/v2/agents/me").body();
    }

    /** The first contact whose {@code filter} (email, phone, mobile) equals {@code value}. */
    Optional<JsonNode> findContact(String filter, String value) throws DeskApiException, InterruptedException {
        JsonNode list = http.get("/api/v2/contacts?" + filter + "=" + encode(value)).body();
        if (list.isArray() && !list.isEmpty() && list.get(0).path("id").canConvertToLong()) {
            return Optional.of(list.get(0));
        }
        return Optional.empty();
    }

    /**
     * Creates a contact; when Freshdesk says one with the same email/phone/external id exists (409
     * {@code duplicate_value}, e.g. created concurrently), returns that contact's id from the error's
     * {@code additional_info.user_id}.
     */
    long createContact(ObjectNode contact) throws DeskApiException, InterruptedException {
        try {
            return id(http.post("/api/v2/contacts", contact).body(), "POST /api/v2/contacts");
        } catch (DeskApiException e) {
            if (e.status() == 409 && e.body() != null) {
                for (JsonNode error : e.body().path("errors")) {
                    JsonNode userId = error.path("additional_info").path("user_id");
                    if (userId.canConvertToLong() && userId.asLong() > 0) {
                        return userId.asLong();
                    }
                }
            }
            throw e;
        }
    }

    /**
     * {@code DELETE /api/v2/contacts/{id}/hard_delete?force=true}: permanently deletes the contact and its tickets
     * (204), also one not soft-deleted before ({@code force}). False when there is no such contact (404).
     */
    boolean hardDeleteContact(long contactId) throws DeskApiException, InterruptedException {
        try {
            http.send("DELETE", "/api/v2/contacts/" + contactId + "/hard_delete?force=true", null, Map.of());
            return true;
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    /** The requester's newest tickets (the list endpoint reads the database, unlike search with its index delay). */
    JsonNode recentTickets(long requesterId) throws DeskApiException, InterruptedException {
        return http.get("/api/v2/tickets?requester_id=" + requesterId
                + "&order_by=created_at&order_type=desc&per_page=30").body();
    }

    JsonNode createTicket(ObjectNode ticket) throws DeskApiException, InterruptedException {
        return http.post("/api/v2/tickets", ticket).body();
    }

    JsonNode createTicket(Multipart ticket) throws DeskApiException, InterruptedException {
        return http.multipart("POST", "/api/v2/tickets", ticket, Map.of()).body();
    }

    JsonNode ticket(String ticketId) throws DeskApiException, InterruptedException {
        return http.get("/api/v2/tickets/" + encode(ticketId)).body();
    }

    /** {@code PUT /api/v2/tickets/{id}}: changes only the fields given (here: the priority). */
    JsonNode updateTicket(String ticketId, ObjectNode fields) throws DeskApiException, InterruptedException {
        return http.put("/api/v2/tickets/" + encode(ticketId), fields).body();
    }

    JsonNode addNote(String ticketId, ObjectNode note) throws DeskApiException, InterruptedException {
        return http.post("/api/v2/tickets/" + encode(ticketId) + "/notes", note).body();
    }

    JsonNode addNote(String ticketId, Multipart note) throws DeskApiException, InterruptedException {
        return http.multipart("POST", "/api/v2/tickets/" + encode(ticketId) + "/notes", note, Map.of()).body();
    }

    /** All of a ticket's conversations (replies and notes), oldest first, at most {@value #MAX_CONVERSATION_PAGES} pages. */
    List<JsonNode> conversations(String ticketId) throws DeskApiException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 1; page <= MAX_CONVERSATION_PAGES; page++) {
            JsonNode batch = http.get("/api/v2/tickets/" + encode(ticketId) + "/conversations?per_page=" + PAGE_SIZE
                    + "&page=" + page).body();
            if (!batch.isArray()) {
                break;
            }
            batch.forEach(all::add);
            if (batch.size() < PAGE_SIZE) {
                break;
            }
        }
        return all;
    }

    /** {@code GET /api/v2/settings/helpdesk}: {@code primary_language}, {@code supported_languages}. */
    JsonNode helpdeskSettings() throws DeskApiException, InterruptedException {
        return http.get("/api/v2/settings/helpdesk").body();
    }

    /**
     * Every page of a list endpoint ({@code page}, {@code per_page} up to 100), at most {@code pages}: the next page
     * is read while the answer's {@code Link} header names one ({@code rel="next"}) or, without a Link header, while
     * pages come back full.
     */
    List<JsonNode> pages(String path, int pages) throws DeskApiException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        String sep = path.contains("?") ? "&" : "?";
        for (int page = 1; page <= pages; page++) {
            dev.omnibridge.deskkit.DeskResponse answer = http.get(path + sep + "per_page=" + PAGE_SIZE + "&page=" + page);
            JsonNode batch = answer.body();
            if (!batch.isArray() || batch.isEmpty()) {
                break;
            }
            batch.forEach(all::add);
            Optional<String> link = answer.header("Link");
            boolean more = link.isPresent() ? link.get().contains("rel=\"next\"") : batch.size() >= PAGE_SIZE;
            if (!more) {
                break;
            }
        }
        return all;
    }

    /**
     * {@code PUT /api/v2/tickets/{id}} with {@code tags}: Freshdesk replaces the ticket's tags with the list sent,
     * so callers send the ticket's own tags with the new ones.
     */
    void setTags(String ticketId, java.util.Collection<String> tags) throws DeskApiException, InterruptedException {
        ObjectNode fields = DeskHttp.JSON.createObjectNode();
        tags.forEach(fields.putArray("tags")::add);
        updateTicket(ticketId, fields);
    }

    /**
     * {@code GET /api/v2/surveys/satisfaction_ratings?user_id=...&created_since=...}: the ratings a customer gave
     * since then (each with {@code ticket_id} and {@code ratings.default_question}), first page of 100.
     */
    JsonNode satisfactionRatings(long userId, java.time.Instant since) throws DeskApiException, InterruptedException {
        return http.get("/api/v2/surveys/satisfaction_ratings?user_id=" + userId + "&created_since="
                + encode(since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()) + "&per_page=100").body();
    }

    /**
     * {@code POST /api/v2/tickets/{id}/satisfaction_ratings} with {@code ratings.default_question} and, when there
     * is one, {@code feedback}.
     */
    JsonNode createSatisfactionRating(String ticketId, ObjectNode rating) throws DeskApiException, InterruptedException {
        return http.post("/api/v2/tickets/" + encode(ticketId) + "/satisfaction_ratings", rating).body();
    }

    /** The agent's name, or empty when the user is not an agent (Freshdesk answers 404). */
    Optional<String> agentName(long userId) throws DeskApiException, InterruptedException {
        Optional<String> known = agents.get(userId);
        if (known != null) {
            return known;
        }
        Optional<String> name;
        try {
            JsonNode agent = http.get("/api/v2/agents/" + userId).body();
            String text = agent.path("contact").path("name").asText("");
            name = Optional.of(text.isBlank() ? "Agent" : text);
        } catch (DeskApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            name = Optional.empty();
        }
        if (agents.size() >= AGENT_CACHE_SIZE) {
            agents.clear();
        }
        agents.put(userId, name);
        return name;
    }

    static long id(JsonNode created, String call) throws DeskApiException {
        JsonNode id = created.path("id");
        if (!id.canConvertToLong()) {
            throw new DeskApiException(call + " answered without an id", 200, false, null, created);
        }
        return id.asLong();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
