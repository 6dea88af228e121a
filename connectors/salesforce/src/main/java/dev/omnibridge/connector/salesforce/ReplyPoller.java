package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads what changed on the hub's cases since the saved cursors: agents' published CaseComments become replies, and
 * each modified case's IsClosed becomes a ticket update (closed → RESOLVED, open → OPEN). Cursors are dateTimes
 * compared with {@code >=}, so a comment in the same second as the cursor is read again rather than missed; the hub
 * dedupes replies by (instance, replyId) and status updates are idempotent.
 */
final class ReplyPoller {
    static final String COMMENTS_CURSOR = "comments.since";
    static final String CASES_CURSOR = "cases.since";
    /** Only internal users are agents; portal and community users (the customers) have other UserTypes. */
    private static final String AGENT_USER_TYPE = "Standard";
    private static final int PAGE = 200;

    private final SalesforceApi api;
    private final String caseField;

    ReplyPoller(SalesforceApi api, SalesforceSettings settings) {
        this.api = api;
        this.caseField = settings.caseIdField();
    }

    /**
     * One poll.
     *
     * @param cursor the saved cursor for a key (from the context's offsets, or the start time)
     * @return replies, ticket updates and the advanced cursors, to be stored together
     */
    Inbound poll(Function<String, Instant> cursor) throws DeskApiException, InterruptedException {
        String me = api.userId();
        Map<String, String> offsets = new HashMap<>();

        Instant commentsSince = cursor.apply(COMMENTS_CURSOR);
        Instant newest = commentsSince;
        List<DeskReply> replies = new ArrayList<>();
        for (JsonNode c : api.query("SELECT Id, ParentId, CommentBody, IsPublished, CreatedDate, CreatedById, "
                + "CreatedBy.Name, CreatedBy.UserType, Parent." + caseField + " FROM CaseComment WHERE Parent."
                + caseField + " != null AND IsPublished = true AND CreatedById != " + Soql.quote(me)
                + " AND CreatedDate >= " + Soql.dateTime(commentsSince) + " ORDER BY CreatedDate ASC LIMIT " + PAGE)) {
            Instant created = Soql.parse(c.path("CreatedDate").asText());
            newest = created.isAfter(newest) ? created : newest;
            // The query already filters these; checked again so a changed query or a lenient org never leaks them.
            if (!c.path("IsPublished").asBoolean(false) || me.equals(c.path("CreatedById").asText())
                    || !AGENT_USER_TYPE.equals(c.path("CreatedBy").path("UserType").asText(AGENT_USER_TYPE))) {
                continue;
            }
            Map<String, String> metadata = new HashMap<>();
            String conversationId = c.path("Parent").path(caseField).asText("");
            if (!conversationId.isEmpty()) {
                metadata.put(DeskReply.CONVERSATION_ID, conversationId);
            }
            String name = c.path("CreatedBy").path("Name").asText(null);
            replies.add(new DeskReply(c.path("ParentId").asText(), c.path("Id").asText(),
                    Author.agent(name), c.path("CommentBody").asText(""), null, List.of(), created, metadata));
        }
        offsets.put(COMMENTS_CURSOR, Soql.dateTime(newest));

        Instant casesSince = cursor.apply(CASES_CURSOR);
        Instant newestCase = casesSince;
        List<TicketUpdate> updates = new ArrayList<>();
        for (JsonNode k : api.query("SELECT Id, CaseNumber, IsClosed, LastModifiedDate, " + caseField
                + " FROM Case WHERE " + caseField + " != null AND LastModifiedDate >= " + Soql.dateTime(casesSince)
                + " ORDER BY LastModifiedDate ASC LIMIT " + PAGE)) {
            Instant modified = Soql.parse(k.path("LastModifiedDate").asText());
            newestCase = modified.isAfter(newestCase) ? modified : newestCase;
            updates.add(new TicketUpdate(k.path("Id").asText(),
                    k.path("IsClosed").asBoolean(false) ? ConversationStatus.RESOLVED : ConversationStatus.OPEN));
        }
        offsets.put(CASES_CURSOR, Soql.dateTime(newestCase));
        return new Inbound(null, replies, updates, offsets);
    }
}
