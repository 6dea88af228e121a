package dev.omnibridge.hub.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.store.ContactRecords;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.AttachmentStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code GET /api/contacts/{id}/export}: everything the hub holds on a contact (a data subject's access request), as
 * one zip archive:
 * <ul>
 *   <li>{@code contact.json}: the contact and the contacts joined into it (names), addresses with their channels and
 *       reachability, links with their evidence, the desks' requester ids, erasures;</li>
 *   <li>{@code conversations.json}: conversations with their desk tickets;</li>
 *   <li>{@code messages.jsonl}: every message of those conversations as stored (one JSON document per line);</li>
 *   <li>{@code deliveries.json}: pending deliveries (outbox), finished ones and dead letters of those messages;</li>
 *   <li>{@code attachments/<sha256>/<file name>}: the stored files the messages reference;</li>
 *   <li>{@code surveys.json}: the surveys of those conversations (kind, state, rating, comment, when sent and
 *       answered, why skipped).</li>
 * </ul>
 * Built in memory (nothing of it is written to disk) and audited ({@code contact.export}).
 */
public final class ContactExport {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy().enable(SerializationFeature.INDENT_OUTPUT);

    private final ContactRecords records;
    private final AttachmentStore attachments;
    private final AuditTrail audit;

    private final SurveyRecords surveys;

    /** The survey rows of a contact's conversations ({@code surveys.json}). */
    @FunctionalInterface
    public interface SurveyRecords {
        List<Map<String, Object>> ofConversations(List<String> conversationIds) throws java.sql.SQLException;

        SurveyRecords NONE = ids -> List.of();
    }

    public ContactExport(ContactRecords records, AttachmentStore attachments, AuditTrail audit) {
        this(records, attachments, audit, SurveyRecords.NONE);
    }

    public ContactExport(ContactRecords records, AttachmentStore attachments, AuditTrail audit,
                         SurveyRecords surveys) {
        this.records = records;
        this.attachments = attachments;
        this.audit = audit;
        this.surveys = surveys;
    }

    /** The archive, and the id of the contact it is about (a joined id leads to its survivor). */
    public record Archive(String contactId, byte[] zip, int messages, int attachments) {
    }

    /** The contact's archive; empty when there is no such contact. Audited as done by {@code actor}. */
    public Optional<Archive> export(String contactId, String actor) throws Exception {
        ContactRecords.Records r = records.read(contactId);
        if (r == null) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int files = 0;
        List<String> missing = new ArrayList<>();
        List<Map<String, Object>> surveyRows;
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put("id", r.contactId());
            contact.put("contacts", r.contacts());
            contact.put("addresses", r.addresses());
            contact.put("addressChannels", r.addressChannels());
            contact.put("links", r.links());
            contact.put("deskRequesters", r.deskRequesters());
            contact.put("erasures", r.erasures());
            put(zip, "contact.json", JSON.writeValueAsBytes(contact));
            Map<String, Object> conversations = new LinkedHashMap<>();
            conversations.put("conversations", r.conversations());
            conversations.put("deskTickets", r.deskTickets());
            put(zip, "conversations.json", JSON.writeValueAsBytes(conversations));
            StringBuilder lines = new StringBuilder();
            Set<String> written = new HashSet<>();
            List<Attachment> stored = new ArrayList<>();
            for (String body : r.messageJson()) {
                lines.append(body.replace("\n", "\\n")).append('\n');
                Message m = CanonicalJson.read(body.getBytes(StandardCharsets.UTF_8));
                for (Attachment a : m.attachments()) {
                    if ("attachment".equals(a.location().getScheme()) && written.add(a.location().toString())) {
                        stored.add(a);
                    }
                }
            }
            put(zip, "messages.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
            Map<String, Object> deliveries = new LinkedHashMap<>();
            deliveries.put("pending", r.pendingDeliveries());
            deliveries.put("finished", r.finishedDeliveries());
            deliveries.put("deadLetters", r.deadLetters());
            put(zip, "deliveries.json", JSON.writeValueAsBytes(deliveries));
            for (Attachment a : stored) {
                String sha = a.location().getSchemeSpecificPart();
                try (InputStream in = attachments.open(a)) {
                    zip.putNextEntry(new ZipEntry("attachments/" + sha + "/" + safeName(a.fileName())));
                    in.transferTo(zip);
                    zip.closeEntry();
                    files++;
                } catch (NoSuchFileException e) {
                    missing.add(sha);
                }
            }
            List<String> conversationIds = new ArrayList<>();
            r.conversations().forEach(conv -> conversationIds.add(String.valueOf(conv.get("id"))));
            surveyRows = surveys.ofConversations(conversationIds);
            put(zip, "surveys.json", JSON.writeValueAsBytes(surveyRows));
            put(zip, "README.txt", readme(r, files, missing, surveyRows.size()).getBytes(StandardCharsets.UTF_8));
        }
        audit.record(actor, "contact.export", r.contactId(), "messages=" + r.messageJson().size()
                + " conversations=" + r.conversations().size() + " attachments=" + files).get();
        return Optional.of(new Archive(r.contactId(), bytes.toByteArray(), r.messageJson().size(), files));
    }

    private static String readme(ContactRecords.Records r, int files, List<String> missing, int surveys) {
        StringBuilder sb = new StringBuilder();
        sb.append("Omnibridge export of contact ").append(r.contactId()).append('\n');
        sb.append("contact.json        the contact (and contacts joined into it), addresses, links, desk requesters\n");
        sb.append("conversations.json  ").append(r.conversations().size()).append(" conversations, desk tickets\n");
        sb.append("messages.jsonl      ").append(r.messageJson().size()).append(" messages, one JSON per line\n");
        sb.append("deliveries.json     pending, finished and dead-lettered deliveries of those messages\n");
        sb.append("attachments/        ").append(files).append(" stored files, by SHA-256 and file name\n");
        sb.append("surveys.json        ").append(surveys).append(" surveys: kind, state, rating, comment, times\n");
        if (!missing.isEmpty()) {
            sb.append("\nAttachment files no longer stored (purged): ").append(String.join(", ", missing))
                    .append('\n');
        }
        return sb.toString();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    /** A file name safe inside the archive: no directories, no control characters. */
    static String safeName(String name) {
        String n = name == null || name.isBlank() ? "file" : name;
        n = n.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_");
        if (n.equals(".") || n.equals("..")) {
            n = "file";
        }
        return n.length() > 200 ? n.substring(0, 200) : n;
    }
}
