package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several follow-ups of one Case as CaseComments made by one sObject Collections create ({@code POST
 * /composite/sobjects}: up to 200 records, "created in the order they're listed", one SaveResult per record in
 * request order, and the whole request "counts as a single call toward your API limits"; REST API Developer Guide,
 * "sObject Collections" and "Create Records Using sObject Collections"), for the hub's {@code deliverAll}. Each
 * comment is first looked up by its marker, one query for the whole batch, so a repeated batch makes none twice.
 *
 * <p>{@code allOrNone=true}: a comment's place on the case is its creation time (CreatedDate cannot be set), so a
 * comment after a refused one must not be made before it, or the case would show the conversation out of order.
 * When a record is refused, Salesforce rolls the request back (the others answer
 * ALL_OR_NONE_OPERATION_ROLLED_BACK); the records before the refused one are then sent again by themselves, and
 * the hub is told those were applied and why the next one was not. So what the hub records is exactly the prefix
 * that exists, and nothing exists after it.
 */
final class CommentBatch {
    private static final String CALL = "POST /composite/sobjects";
    private static final String ROLLED_BACK = "ALL_OR_NONE_OPERATION_ROLLED_BACK";

    /** What one collections request made: the ids of a prefix of its records, and why the next one was not made. */
    private record Made(List<String> ids, DeskApiException failure) {
    }

    private final SalesforceApi api;
    private final CaseWriter writer;

    CommentBatch(SalesforceApi api, CaseWriter writer) {
        this.api = api;
        this.writer = writer;
    }

    /**
     * Adds the batch's comments to its case. {@code applied} receives each delivery's result, in order, as soon as
     * its comment is known to exist; when this throws, it holds the applied prefix.
     */
    void deliver(List<DeskDelivery> batch, List<DeskResult> applied) throws DeskApiException, InterruptedException {
        String caseId = batch.get(0).ticketRef();
        Map<String, String> existing = writer.commentsByMarker(caseId, batch);
        List<DeskDelivery> pending = new ArrayList<>();
        for (DeskDelivery d : batch) {
            String found = existing.get(CasePayloads.marker(d));
            if (found != null) {
                // Made by an earlier attempt, after the comments before it (or they are found too).
                flush(caseId, pending, applied);
                applied.add(DeskResult.of(caseId, found));
            } else if (CaseWriter.hasFiles(d)) {
                // Its files go up before its comment, as for a single delivery; the comments before it go first.
                flush(caseId, pending, applied);
                writer.uploadFilesOf(d);
                pending.add(d);
            } else {
                pending.add(d);
            }
        }
        flush(caseId, pending, applied);
    }

    private void flush(String caseId, List<DeskDelivery> pending, List<DeskResult> applied)
            throws DeskApiException, InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        // The comments to make may ask for a higher Case priority: raised first, as for a single comment.
        writer.raisePriority(caseId, pending);
        List<ObjectNode> records = new ArrayList<>();
        for (DeskDelivery d : pending) {
            ObjectNode comment = DeskHttp.JSON.createObjectNode();
            comment.putObject("attributes").put("type", "CaseComment");
            comment.setAll(writer.payloads().comment(d, caseId));
            records.add(comment);
        }
        Made made = create(records);
        for (String id : made.ids()) {
            applied.add(DeskResult.of(caseId, id));
        }
        pending.clear();
        if (made.failure() != null) {
            throw made.failure();
        }
    }

    /** Creates the records in order, all or none; on a refusal, the records before it by themselves. */
    private Made create(List<ObjectNode> records) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.put("allOrNone", true);
        ArrayNode array = body.putArray("records");
        records.forEach(array::add);
        JsonNode results = api.data("POST", "/composite/sobjects", body).body();
        if (!results.isArray() || results.size() != records.size()) {
            // Without a result per record nothing is known to be made; the retry finds what was by the markers.
            return new Made(List.of(), new DeskApiException(CALL + " answered " + results.size() + " results for "
                    + records.size() + " records", 200, true, null, null));
        }
        List<String> ids = new ArrayList<>();
        boolean committed = false;
        for (JsonNode r : results) {
            committed |= r.path("success").asBoolean(false);
        }
        for (JsonNode r : results) {
            if (!r.path("success").asBoolean(false)) {
                break;
            }
            ids.add(r.path("id").asText());
        }
        if (ids.size() == records.size()) {
            return new Made(ids, null);
        }
        if (committed) {
            // Some records were saved (the request was not all-or-none after all): they stand, in order; the hub
            // hears of those before the first refusal, and finds any after it by their markers.
            return new Made(ids, refusal(results.get(ids.size()), ids.size(), records.size()));
        }
        int refused = firstOwnError(results);
        DeskApiException why = refusal(results.get(refused), refused, records.size());
        if (refused == 0) {
            return new Made(List.of(), why);
        }
        Made before = create(records.subList(0, refused));
        return new Made(before.ids(), before.failure() != null ? before.failure() : why);
    }

    /** The first record refused for itself rather than rolled back for another; the first record if none is. */
    private static int firstOwnError(JsonNode results) {
        for (int i = 0; i < results.size(); i++) {
            for (JsonNode e : results.get(i).path("errors")) {
                if (!ROLLED_BACK.equals(e.path("statusCode").asText())) {
                    return i;
                }
            }
        }
        return 0;
    }

    /**
     * A record's refusal, classified like the same error answered for a single comment: UNABLE_TO_LOCK_ROW is
     * retryable and about this case only (no reason to pause the instance); everything else is permanent. The
     * message names Salesforce's status code and fields; its text is shortened and has emails and numbers masked.
     */
    private static DeskApiException refusal(JsonNode result, int index, int of) {
        StringBuilder what = new StringBuilder(CALL + ": CaseComment " + (index + 1) + " of " + of + " refused");
        boolean locked = false;
        for (JsonNode e : result.path("errors")) {
            String code = e.path("statusCode").asText("");
            locked |= SalesforceApi.ROW_LOCKED.equals(code);
            String text = e.path("message").asText("");
            what.append(": ").append(code).append(text.isBlank() ? "" : " " + Redact.text(
                    text.length() > 200 ? text.substring(0, 200) + "..." : text));
            if (e.path("fields").isArray() && !e.path("fields").isEmpty()) {
                what.append(" (fields ").append(e.path("fields")).append(')');
            }
        }
        return new DeskApiException(what.toString(), 400, locked, null, result, locked);
    }
}
