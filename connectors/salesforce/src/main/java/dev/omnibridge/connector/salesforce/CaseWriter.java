package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Settings;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskAssignment;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.Escalation;
import dev.omnibridge.deskkit.DeskResponse;
import dev.omnibridge.deskkit.StoredFiles;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskRequesters;
import dev.omnibridge.spi.DeskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns deliveries into Salesforce records, each step safe to repeat after a lost answer: the Contact and the Case
 * are upserted by external id (the same hub id always lands on the same record), files and comments are looked up
 * by their marker before they are created.
 */
final class CaseWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CaseWriter.class);
    /** REST "Duplicate Rule Header" (API 52.0+): save despite duplicate rules whose action is Allow with an alert. */
    static final Map<String, String> ALLOW_DUPLICATE = Map.of("Sforce-Duplicate-Rule-Header", "allowSave=true");
    /**
     * REST "Assignment Rule Header": assignment rules are not applied. Without it the REST API applies the active
     * rule on every Case create or update, also one that only changes Priority, and could move the Case.
     */
    static final Map<String, String> KEEP_OWNER = Map.of("Sforce-Auto-Assign", "FALSE");

    private final SalesforceApi api;
    private final SalesforceSettings settings;
    private final CasePayloads payloads;
    private final AttachmentStore files;
    private final ContactMatcher contacts;
    private final String instanceId;

    private final DeskRequesters requesters;

    CaseWriter(SalesforceApi api, SalesforceSettings settings, AttachmentStore files, String instanceId,
               DeskRequesters requesters) {
        this.instanceId = instanceId;
        this.requesters = requesters;
        this.api = api;
        this.settings = settings;
        this.payloads = new CasePayloads(settings);
        this.files = files;
        this.contacts = new ContactMatcher(api, new PhoneNumbers(settings.phoneRegion()));
    }

    DeskResult deliver(DeskDelivery d) throws DeskApiException, InterruptedException {
        if (d.opensTicket()) {
            String contactId = requester(d);
            String caseId = upsertCase(d, contactId);
            uploadFiles(d, caseId);
            // A Case has no first comment: the message is its Description.
            return DeskResult.of(caseId, null);
        }
        uploadFiles(d, d.ticketRef());
        return DeskResult.of(d.ticketRef(), comment(d, d.ticketRef()));
    }

    /**
     * An existing Contact with the customer's email, else phone number; else the one upserted by the hub contact id.
     * When an org's duplicate rule refuses that Contact, the Contact it matched is used if it carries the customer's
     * email or number; otherwise the delivery fails with an error that says what to change.
     */
    private String requester(DeskDelivery d) throws DeskApiException, InterruptedException {
        // The Contact the hub remembers for this customer (their second channel, or a contact the hub joined into
        // this one, reuses it), else the one found or made below, then remembered.
        Optional<String> remembered = requesters.find(d.contact().id()).filter(ref -> !ref.isBlank());
        if (remembered.isPresent()) {
            return remembered.get();
        }
        String contactId = findOrUpsertContact(d);
        requesters.remember(d.contact().id(), contactId);
        return contactId;
    }

    private String findOrUpsertContact(DeskDelivery d) throws DeskApiException, InterruptedException {
        Optional<String> email = TicketText.email(d.contact());
        Optional<String> phone = TicketText.phone(d.contact());
        Optional<String> found = contacts.existing(email, phone);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            return upsert("Contact", settings.contactIdField(), d.contact().id(), payloads.contact(d),
                    settings.allowDuplicateContacts() ? ALLOW_DUPLICATE : Map.of());
        } catch (DeskApiException e) {
            Optional<DuplicateRefusal> refusal = DuplicateRefusal.of(e);
            if (refusal.isEmpty()) {
                throw e;
            }
            Optional<String> same = contacts.sameCustomer(refusal.get().matchedIds(), email, phone);
            if (same.isPresent()) {
                LOG.info("conversation {}: duplicate rule {} matched Contact {} with the customer's address; using it",
                        d.conversation().id(), refusal.get().rule(), same.get());
                return same.get();
            }
            throw refused(refusal.get(), e);
        }
    }

    /** A permanent error naming the rule and what the admin can change; no customer data in it. */
    private DeskApiException refused(DuplicateRefusal r, DeskApiException cause) {
        String what = "Salesforce duplicate rule " + r.rule() + (settings.allowDuplicateContacts()
                ? " blocks the customer's new Contact (a rule whose action is Block; allowSave can't override it)"
                : " refused the customer's new Contact") + ", and none of the " + r.matchedIds().size()
                + " Contacts it matched has the customer's email address or phone number, so reusing one would put "
                + "this conversation on another person's record. ";
        String fix = settings.allowDuplicateContacts()
                ? "Change the rule's action on create to Allow, or exclude the integration user from it (rule criteria)."
                : "Set allowDuplicateContacts=true so rules that only alert let the hub save its Contact, or exclude "
                + "the integration user from the rule.";
        return new DeskApiException(what + fix, cause.status(), false, null, cause.body());
    }

    /**
     * The Case, upserted by the conversation id. With a route's queue it is the Case's OwnerId, and the request says
     * {@code Sforce-Auto-Assign: FALSE}: without the header the REST API runs the org's active case assignment rule
     * on the insert, which would replace the queue the route chose (REST API Developer Guide, "Assignment Rule
     * Header"). Without a queue, assignment rules decide as before.
     */
    private String upsertCase(DeskDelivery d, String contactId) throws DeskApiException, InterruptedException {
        Settings assignment = DeskAssignment.of(SalesforceType.assignmentDef(), instanceId, d);
        String queue = assignment.optionalString(SalesforceType.QUEUE).orElse(null);
        String caseId = upsert("Case", settings.caseIdField(), d.conversation().id(),
                payloads.newCase(d, contactId, queue), queue == null ? Map.of() : KEEP_OWNER);
        LOG.debug("conversation {} is Case {}", d.conversation().id(), caseId);
        return caseId;
    }

    /**
     * PATCH /sobjects/{object}/{field}/{value}: 201 created or 200 updated both name the one record for the value.
     * Older API versions answer an update with 204 and no body; then the record is read back by the same key.
     */
    private String upsert(String object, String field, String value, JsonNode body)
            throws DeskApiException, InterruptedException {
        return upsert(object, field, value, body, Map.of());
    }

    private String upsert(String object, String field, String value, JsonNode body, Map<String, String> headers)
            throws DeskApiException, InterruptedException {
        String path = "/sobjects/" + object + "/" + field + "/" + SalesforceApi.enc(value);
        DeskResponse answer = api.data("PATCH", path, body, headers);
        String id = answer.body().path("id").asText("");
        if (id.isEmpty()) {
            id = api.data("GET", path + "?fields=Id", null).body().path("Id").asText("");
        }
        if (id.isEmpty()) {
            throw new DeskApiException("PATCH " + path + " answered HTTP " + answer.status() + " without a record id",
                    answer.status(), false, null, answer.body());
        }
        return id;
    }

    /** ContentVersions linked to the case; those a previous attempt already uploaded are skipped. */
    private void uploadFiles(DeskDelivery d, String caseId) throws DeskApiException, InterruptedException {
        List<Attachment> stored = d.message().attachments().stream().filter(StoredFiles::isStored).toList();
        if (stored.isEmpty()) {
            return;
        }
        Set<String> done = new HashSet<>();
        for (JsonNode v : api.query("SELECT Id, Description FROM ContentVersion WHERE FirstPublishLocationId = "
                + Soql.quote(caseId) + " AND CreatedById = " + Soql.quote(api.userId()) + " LIMIT 200")) {
            done.add(v.path("Description").asText(""));
        }
        for (int i = 0; i < stored.size(); i++) {
            String marker = CasePayloads.fileMarker(d, i);
            if (done.contains(marker)) {
                continue;
            }
            Attachment a = stored.get(i);
            byte[] bytes = StoredFiles.read(files, a, settings.maxAttachmentBytes());
            api.data("POST", "/sobjects/ContentVersion", payloads.file(a, bytes, caseId, marker));
        }
    }

    /** The comment made for this delivery, found by its marker, or a new one. */
    private String comment(DeskDelivery d, String caseId) throws DeskApiException, InterruptedException {
        String existing = commentsByMarker(caseId, List.of(d)).get(CasePayloads.marker(d));
        if (existing != null) {
            return existing;
        }
        raisePriority(caseId, List.of(d));
        return api.data("POST", "/sobjects/CaseComment", payloads.comment(d, caseId)).body().path("id").asText(null);
    }

    /**
     * The integration user's latest comments on the case that carry these deliveries' markers, marker to comment
     * id: one query. It reads as many of the latest comments as one batch can have made ({@code maxBatch}, at
     * least 100): a repeated delivery's comment is among them, since one conversation's messages go one after the
     * other, so nothing newer of this user's can be on the case before the repeat is recorded.
     */
    Map<String, String> commentsByMarker(String caseId, List<DeskDelivery> deliveries)
            throws DeskApiException, InterruptedException {
        Map<String, String> found = new HashMap<>();
        int latest = Math.max(100, settings.commentsPerRequest());
        for (JsonNode c : api.query("SELECT Id, CommentBody FROM CaseComment WHERE ParentId = " + Soql.quote(caseId)
                + " AND CreatedById = " + Soql.quote(api.userId()) + " ORDER BY CreatedDate DESC LIMIT " + latest)) {
            String body = c.path("CommentBody").asText("");
            for (DeskDelivery d : deliveries) {
                String marker = CasePayloads.marker(d);
                if (!found.containsKey(marker) && body.contains(marker)) {
                    found.put(marker, c.path("Id").asText());
                }
            }
        }
        return found;
    }

    /**
     * Raises the Case's Priority for follow-ups classified HIGH or URGENT, just before their comments are made: a
     * CaseComment takes no priority, so it is its own {@code PATCH /sobjects/Case/{id}} with {@code Priority}, sent
     * with {@code Sforce-Auto-Assign: FALSE} so that the update does not run the assignment rule and move the Case.
     * The Case's Priority is read first ({@code GET /sobjects/Case/{id}?fields=Priority}) and never lowered; a retry
     * after a failed comment reads it already raised and only makes the comment.
     */
    void raisePriority(String caseId, List<DeskDelivery> followUps) throws DeskApiException, InterruptedException {
        Optional<Priority> asked = Escalation.asked(followUps);
        if (asked.isEmpty()) {
            return;
        }
        String path = "/sobjects/Case/" + SalesforceApi.enc(caseId);
        String current = api.data("GET", path + "?fields=Priority", null).body().path("Priority").asText("");
        if (payloads.raises(current, asked.get())) {
            api.data("PATCH", path, DeskHttp.JSON.createObjectNode().put("Priority", payloads.priority(asked.get())),
                    KEEP_OWNER);
        }
    }

    /** Whether the delivery has files to upload as ContentVersions. */
    static boolean hasFiles(DeskDelivery d) {
        return d.message().attachments().stream().anyMatch(StoredFiles::isStored);
    }

    /** The delivery's files, each uploaded once (package-private for {@link CommentBatch}). */
    void uploadFilesOf(DeskDelivery d) throws DeskApiException, InterruptedException {
        uploadFiles(d, d.ticketRef());
    }

    CasePayloads payloads() {
        return payloads;
    }
}
