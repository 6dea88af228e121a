package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.FileNotes;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads what changed on the hub's cases since the saved cursors. Agents answer in two ways, and both become replies:
 * a published CaseComment, or an email from the case's Send Email action (an outgoing, sent EmailMessage). Each
 * modified case's IsClosed becomes a ticket update (closed → RESOLVED, open → OPEN).
 *
 * <p>Nothing the hub wrote comes back: the hub writes only as the integration user (CaseComments, the Case, files; it
 * never writes EmailMessages), so {@code CreatedById != <integration user>} excludes its own records, including any
 * email an org's flow or email alert logs on the case when the hub's comment triggers it (that runs as the
 * triggering user). Incoming EmailMessages (the customer's mail through Email-to-Case) and drafts are excluded by
 * {@code Incoming = false AND Status = '3'} (Sent), and only internal users ({@code UserType = 'Standard'}) are agents.
 *
 * <p>Both reply queries filter and order by SystemModstamp: a comment published after it was saved, or a draft email
 * sent hours after it was created, keeps its old CreatedDate but gets a new stamp. The cursors stay
 * {@code replyOverlap} behind the newest stamp ({@link ReplyCursor}); the records read again are not sent twice: the
 * reply id is the record Id, and the hub refuses a reply id it has already stored for this instance (its journal,
 * so also after a restart); within a process, ids the hub confirmed ({@link #markStored}) are not even submitted again.
 */
final class ReplyPoller {
    static final String COMMENTS_CURSOR = "comments.since";
    static final String EMAILS_CURSOR = "emails.since";
    static final String CASES_CURSOR = "cases.since";
    /** Only internal users are agents; portal and community users (the customers) have other UserTypes. */
    private static final String AGENT_USER_TYPE = "Standard";
    /** EmailMessage.Status of a sent email; a draft ("5") has not reached anyone. */
    static final String EMAIL_SENT = "3";
    /** Records read per object and poll, in pages of up to 2,000 ({@link RecordPages}). */
    static final int MAX_RECORDS = 1000;
    private static final int CASE_PAGE = 200;

    private final SalesforceApi api;
    private final RecordPages pages;
    private final String caseField;
    private final Duration overlap;
    /** Replies of the last poll (id → SystemModstamp), until the hub confirms them stored. */
    private final Map<String, Instant> polled = new ConcurrentHashMap<>();
    /** Reply ids the hub confirmed stored, with their stamp; forgotten once the cursors are past them. */
    private final Map<String, Instant> stored = new ConcurrentHashMap<>();
    /** False when the org has no EmailMessage for the integration user (see {@link #checkEmailAccess}). */
    private volatile boolean emails = true;

    ReplyPoller(SalesforceApi api, SalesforceSettings settings) {
        this.api = api;
        this.pages = new RecordPages(api, settings.apiVersion());
        this.caseField = settings.caseIdField();
        this.overlap = settings.replyOverlap();
    }

    /**
     * One poll.
     *
     * @param cursor the saved cursor for a key (from the context's offsets, or the start time)
     * @return replies (oldest first), ticket updates and the advanced cursors, to be stored together
     */
    Inbound poll(Function<String, Instant> cursor) throws DeskApiException, InterruptedException {
        String me = api.userId();
        Map<String, String> offsets = new HashMap<>();
        List<DeskReply> replies = new ArrayList<>();
        polled.clear();

        Instant comments = comments(cursor.apply(COMMENTS_CURSOR), me, replies);
        offsets.put(COMMENTS_CURSOR, Soql.dateTime(comments));
        Instant emails = this.emails ? emails(cursor.apply(EMAILS_CURSOR), me, replies) : cursor.apply(EMAILS_CURSOR);
        offsets.put(EMAILS_CURSOR, Soql.dateTime(emails));
        Instant oldest = comments.isBefore(emails) ? comments : emails;
        stored.values().removeIf(stamp -> stamp.isBefore(oldest));
        replies.sort(Comparator.comparing(DeskReply::createdAt));

        Instant casesSince = cursor.apply(CASES_CURSOR);
        Instant newestCase = casesSince;
        List<TicketUpdate> updates = new ArrayList<>();
        for (JsonNode k : api.query("SELECT Id, CaseNumber, IsClosed, LastModifiedDate, " + caseField
                + " FROM Case WHERE " + caseField + " != null AND LastModifiedDate >= " + Soql.dateTime(casesSince)
                + " ORDER BY LastModifiedDate ASC LIMIT " + CASE_PAGE)) {
            Instant modified = Soql.parse(k.path("LastModifiedDate").asText());
            newestCase = modified.isAfter(newestCase) ? modified : newestCase;
            updates.add(TicketUpdate.of(k.path("Id").asText(),
                    k.path("IsClosed").asBoolean(false) ? ConversationStatus.RESOLVED : ConversationStatus.OPEN));
        }
        offsets.put(CASES_CURSOR, Soql.dateTime(newestCase));
        return Inbound.builder().replies(replies).ticketUpdates(updates).offsets(offsets).build();
    }

    /**
     * EmailMessage exists only in orgs with Email-to-Case or Enhanced Email, and the integration user needs Read on
     * it. Without it every poll would fail and comments would stop too, so emails are left out and the returned
     * warning says why; any other failure leaves emails on (the poll then reports it).
     */
    Optional<String> checkEmailAccess() throws InterruptedException {
        try {
            api.query("SELECT Id FROM EmailMessage LIMIT 1");
            return Optional.empty();
        } catch (DeskApiException e) {
            if (e.status() != 400 || !String.valueOf(e.body()).contains("\"INVALID_TYPE\"")) {
                return Optional.empty();
            }
            emails = false;
            return Optional.of("the integration user cannot read EmailMessage (Email-to-Case and Enhanced Email off, "
                    + "or no Read permission): agents' answers from the case's Email action will not reach customers "
                    + "until it can and the instance restarts; published comments still do");
        }
    }

    /** The hub stored this poll's result: its replies are not submitted again while they are re-read. */
    void markStored(Inbound result) {
        for (DeskReply r : result.replies()) {
            Instant stamp = polled.get(r.replyId());
            if (stamp != null) {
                stored.put(r.replyId(), stamp);
            }
        }
    }

    /** Agents' published comments; returns the next comment cursor. */
    private Instant comments(Instant since, String me, List<DeskReply> out)
            throws DeskApiException, InterruptedException {
        return read("SELECT Id, ParentId, CommentBody, IsPublished, CreatedDate, SystemModstamp, CreatedById, "
                + "CreatedBy.Name, CreatedBy.UserType, Parent." + caseField + " FROM CaseComment WHERE Parent."
                + caseField + " != null AND IsPublished = true AND CreatedById != " + Soql.quote(me), since, me,
                c -> c.path("IsPublished").asBoolean(false), this::comment, out);
    }

    /** Agents' sent emails (outgoing, not drafts); returns the next email cursor. */
    private Instant emails(Instant since, String me, List<DeskReply> out)
            throws DeskApiException, InterruptedException {
        return read("SELECT Id, ParentId, Subject, TextBody, HtmlBody, FromName, " + EmailRecipients.FIELDS
                + ", Incoming, Status, HasAttachment, MessageDate, CreatedDate, SystemModstamp, CreatedById, "
                + "CreatedBy.Name, CreatedBy.UserType, Parent." + caseField + " FROM EmailMessage WHERE Parent."
                + caseField + " != null AND Incoming = false AND Status = " + Soql.quote(EMAIL_SENT)
                + " AND CreatedById != " + Soql.quote(me), since, me,
                e -> !e.path("Incoming").asBoolean(true) && EMAIL_SENT.equals(e.path("Status").asText()),
                this::email, out);
    }

    /**
     * Reads one object's records since {@code since} and adds the agents' replies to {@code out}.
     *
     * @param wanted the query's own conditions, checked again so a changed query or a lenient org never leaks a record
     * @return the object's next cursor
     */
    private Instant read(String select, Instant since, String me, Predicate<JsonNode> wanted,
                         Function<JsonNode, DeskReply> toReply, List<DeskReply> out)
            throws DeskApiException, InterruptedException {
        List<JsonNode> records = pages.read(select + " AND SystemModstamp >= " + Soql.dateTime(since)
                + " ORDER BY SystemModstamp ASC LIMIT " + MAX_RECORDS);
        Instant newest = since;
        for (JsonNode r : records) {
            Instant stamp = Soql.parse(r.path("SystemModstamp").asText());
            newest = stamp.isAfter(newest) ? stamp : newest;
            String id = r.path("Id").asText();
            if (stored.containsKey(id) || !wanted.test(r) || me.equals(r.path("CreatedById").asText())
                    || !AGENT_USER_TYPE.equals(r.path("CreatedBy").path("UserType").asText(AGENT_USER_TYPE))) {
                continue;
            }
            DeskReply reply = toReply.apply(r);
            if (!reply.text().isBlank()) {
                out.add(reply);
                polled.put(id, stamp);
            }
        }
        return ReplyCursor.next(since, newest, records.size() < MAX_RECORDS, overlap);
    }

    private DeskReply comment(JsonNode c) {
        return DeskReply.builder(c.path("ParentId").asText(), c.path("Id").asText(),
                        Author.agent(c.path("CreatedBy").path("Name").asText(null)))
                .text(c.path("CommentBody").asText("")).createdAt(Soql.parse(c.path("CreatedDate").asText()))
                .metadata(metadata(c)).build();
    }

    /**
     * An agent's email as a reply: its text without the quoted earlier mail (the customer has that in their chat
     * already). Files are not passed on (as for comments), but never silently: the text names them.
     */
    private DeskReply email(JsonNode e) {
        String name = Optional.ofNullable(e.path("CreatedBy").path("Name").asText(null))
                .orElse(e.path("FromName").asText(null));
        FileNotes files = new FileNotes();
        if (e.path("HasAttachment").asBoolean(false)) {
            files.add("attachment", "files of a Salesforce email are not passed on");
        }
        String sent = e.path("MessageDate").asText("");
        Instant at = Soql.parse(sent.isEmpty() ? e.path("CreatedDate").asText() : sent);
        String text = EmailReplyText.of(e.path("TextBody").asText(null), e.path("HtmlBody").asText(null));
        if (text.isBlank()) {
            // A subject-only email still says something; without one, the file note (if any) is the reply.
            text = e.path("Subject").asText("").strip();
        }
        Map<String, String> metadata = new HashMap<>(metadata(e));
        metadata.put("salesforce.object", "EmailMessage");
        // Salesforce has mailed these recipients already; the hub does not send the answer to them again.
        EmailRecipients.of(e).ifPresent(to -> metadata.put(DeskReply.DELIVERED_TO, to));
        return DeskReply.builder(e.path("ParentId").asText(), e.path("Id").asText(), Author.agent(name))
                .text(files.appendTo(text)).createdAt(at).metadata(files.addTo(metadata)).build();
    }

    private Map<String, String> metadata(JsonNode record) {
        String conversationId = record.path("Parent").path(caseField).asText("");
        return conversationId.isEmpty() ? Map.of() : Map.of(DeskReply.CONVERSATION_ID, conversationId);
    }
}
