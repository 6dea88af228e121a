package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.Escalation;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON bodies for Contact, Case, CaseComment and ContentVersion, field names as in Salesforce's object reference
 * (Case: Subject, Description, Priority, Origin, Status, ContactId; CaseComment: ParentId, CommentBody, IsPublished,
 * IsNotificationSelected;
 * ContentVersion: Title, PathOnClient, VersionData, FirstPublishLocationId, Description).
 */
final class CasePayloads {
    /** CaseComment.CommentBody holds at most 4,000 bytes. */
    static final int COMMENT_MAX_BYTES = 4000;
    private static final int SUBJECT_MAX_CHARS = 255;
    /** Case.Description is a long text area of 32,000 characters. */
    private static final int DESCRIPTION_MAX_CHARS = 32_000;

    private final SalesforceSettings settings;

    CasePayloads(SalesforceSettings settings) {
        this.settings = settings;
    }

    /**
     * Contact fields; the external id is in the upsert URL, not the body. LastName is required by Salesforce. The
     * customer's email goes on the Contact only with {@code contactEmails}: with an address, Salesforce mails the
     * customer agents' comments (Case Comment Notification to Contacts), auto-responses and flow emails, while the
     * hub already delivers the reply through the customer's own channel, so the customer would get it twice.
     */
    ObjectNode contact(DeskDelivery d) {
        ObjectNode c = DeskHttp.JSON.createObjectNode();
        String name = TicketText.requesterName(d).strip();
        int space = name.lastIndexOf(' ');
        if (space > 0) {
            c.put("FirstName", cut(name.substring(0, space).strip(), 40));
            c.put("LastName", cut(name.substring(space + 1), 80));
        } else {
            c.put("LastName", cut(name, 80));
        }
        if (settings.contactEmails()) {
            TicketText.email(d.contact()).ifPresent(e -> c.put("Email", e));
        }
        TicketText.phone(d.contact()).ifPresent(p -> c.put("Phone", cut(p, 40)));
        return c;
    }

    /** Case fields; the hub conversation id is in the upsert URL (the external id field). */
    ObjectNode newCase(DeskDelivery d, String contactId) {
        return newCase(d, contactId, null);
    }

    /** {@code queueId}: the route's queue, the Case's {@code OwnerId}; null leaves the owner to Salesforce. */
    ObjectNode newCase(DeskDelivery d, String contactId, String queueId) {
        ObjectNode c = DeskHttp.JSON.createObjectNode();
        c.put("Subject", cut(TicketText.subject(d), SUBJECT_MAX_CHARS));
        c.put("Description", cut(TicketText.body(d.message()), DESCRIPTION_MAX_CHARS));
        c.put("Priority", priority(d.message().priority()));
        c.put("Origin", settings.caseOrigin().orElse(d.conversation().channel().type()));
        c.put("Status", settings.caseStatus());
        if (contactId != null) {
            c.put("ContactId", contactId);
        }
        if (queueId != null) {
            c.put("OwnerId", queueId);
        }
        settings.tagsField().ifPresent(f -> c.put(f, String.join(" ", TicketText.tags(d))));
        return c;
    }

    /**
     * Whether a Case whose Priority is {@code current} must be raised to {@code asked}: a blank Priority is; a value
     * the hub maps (Low, Medium, High, {@code urgentPriority}) only when {@code asked} is higher; a value it does not
     * map (an org's own picklist value) never is: the hub cannot tell whether it would lower it.
     */
    boolean raises(String current, Priority asked) {
        if (current == null || current.isBlank()) {
            return true;
        }
        for (Priority p : new Priority[]{Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW}) {
            if (priority(p).equals(current)) {
                return Escalation.raises(p, asked);
            }
        }
        return false;
    }

    String priority(Priority p) {
        return switch (p) {
            case LOW -> "Low";
            case NORMAL -> "Medium";
            case HIGH -> "High";
            case URGENT -> settings.urgentPriority();
        };
    }

    /**
     * A comment on the case. Customer messages are published (part of the conversation the customer sees in a
     * portal); the hub's INTERNAL notices are not, so they stay agent-only. The marker line lets a retry find the
     * comment it already made: CaseComment has no external id field. {@code IsNotificationSelected} false: the
     * comment never asks Salesforce to email the Case's contact (it would mail the customer their own message).
     */
    ObjectNode comment(DeskDelivery d, String caseId) {
        boolean internal = d.message().direction() == Direction.INTERNAL;
        String head = internal ? "" : TicketText.requesterName(d) + " via " + d.conversation().channel().type() + ":\n";
        String tail = "\n\n" + marker(d);
        String text = cutBytes(head + TicketText.body(d.message()),
                COMMENT_MAX_BYTES - tail.getBytes(StandardCharsets.UTF_8).length);
        ObjectNode c = DeskHttp.JSON.createObjectNode();
        c.put("ParentId", caseId);
        c.put("CommentBody", text + tail);
        c.put("IsPublished", !internal);
        c.put("IsNotificationSelected", false);
        return c;
    }

    /** A file linked to the case at upload through FirstPublishLocationId; Description carries the retry marker. */
    ObjectNode file(Attachment a, byte[] bytes, String caseId, String marker) {
        ObjectNode f = DeskHttp.JSON.createObjectNode();
        f.put("Title", cut(a.fileName(), 255));
        f.put("PathOnClient", a.fileName());
        f.put("VersionData", Base64.getEncoder().encodeToString(bytes));
        f.put("FirstPublishLocationId", caseId);
        f.put("Description", marker);
        return f;
    }

    /** Identifies one delivery across retries: the hub's idempotency key. */
    static String marker(DeskDelivery d) {
        return "[omnibridge:" + d.idempotencyKey() + "]";
    }

    static String fileMarker(DeskDelivery d, int index) {
        return "[omnibridge:" + d.idempotencyKey() + ":file-" + index + "]";
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** At most {@code max} UTF-8 bytes, cut on a character boundary. */
    static String cutBytes(String s, int max) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= max) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        int budget = max - 3;   // the ellipsis is 3 bytes
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > budget) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.append('…').toString();
    }
}
