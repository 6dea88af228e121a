package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several follow-ups of one ticket as notes made by one batch create ({@code POST
 * /crm/v3/objects/notes/batch/create}), for the hub's {@code deliverAll}. Like a single note, each is first looked
 * up by its reference line (one listing of the ticket's notes for the whole batch), so a repeated batch adds no
 * note twice. Each note's {@code hs_timestamp} is its message's time, so the ticket's timeline shows them in
 * conversation order whatever order HubSpot creates them in.
 *
 * <p>What the hub is told was applied is always a prefix of the batch, in order: the notes up to the first one
 * HubSpot did not create. Notes after that one that HubSpot did create are not reported; the hub delivers them
 * again and finds them by their reference line.
 */
final class NoteBatch {
    private static final String CALL = "POST /crm/v3/objects/notes/batch/create";
    /** HubSpot's error category for a rate limit: the only per-input refusal worth trying again as it is. */
    private static final String RATE_LIMITS = "RATE_LIMITS";

    /** One delivery of the batch: the note already made for it, or the properties of the note to make. */
    private record Item(DeskDelivery delivery, String noteId, ObjectNode note) {
    }

    private final HubSpotApi api;
    private final HubSpotDesk desk;

    NoteBatch(HubSpotApi api, HubSpotDesk desk) {
        this.api = api;
        this.desk = desk;
    }

    /**
     * Adds the batch's notes to its ticket. {@code applied} receives each delivery's result, in order, as soon as
     * its note is known to exist; when this throws, it holds the applied prefix.
     */
    void deliver(List<DeskDelivery> batch, List<DeskResult> applied) throws DeskApiException, InterruptedException {
        String ticketId = batch.get(0).ticketRef();
        Map<String, String> existing = desk.notesByMarker(ticketId, batch);
        List<Item> pending = new ArrayList<>();
        for (DeskDelivery d : batch) {
            String noteId = existing.get(HubSpotPayloads.marker(d));
            if (noteId != null) {
                pending.add(new Item(d, noteId, null));
                continue;
            }
            List<String> fileIds;
            try {
                fileIds = desk.uploadFiles(d);
            } catch (DeskApiException e) {
                // The failure is this message's: the notes before it go first, so the hub can record them.
                flush(ticketId, pending, applied);
                throw e;
            }
            pending.add(new Item(d, null, desk.payloads().note(d, HubSpotPayloads.heading(d), fileIds)));
        }
        flush(ticketId, pending, applied);
    }

    private void flush(String ticketId, List<Item> pending, List<DeskResult> applied)
            throws DeskApiException, InterruptedException {
        List<HubSpotApi.BatchInput> inputs = new ArrayList<>();
        for (Item i : pending) {
            if (i.noteId() == null) {
                inputs.add(new HubSpotApi.BatchInput(i.delivery().idempotencyKey(), i.note(), ticketId,
                        HubSpotApi.NOTE_TO_TICKET));
            }
        }
        Map<String, String> created = new HashMap<>();
        Map<String, DeskApiException> refused = new HashMap<>();
        if (!inputs.isEmpty()) {
            // The notes to make may ask for a higher ticket priority: raised first, as for a single note.
            desk.raisePriority(ticketId, pending.stream().filter(i -> i.noteId() == null).map(Item::delivery).toList());
            JsonNode answer;
            try {
                answer = api.batchCreate("notes", inputs);
            } catch (DeskApiException e) {
                if (e.retryable()) {
                    throw e;
                }
                // Refused as a whole (not per input): one note at a time pins the refusal on its own message.
                oneByOne(ticketId, pending, applied);
                return;
            }
            read(answer, pending, created, refused);
            if (created.size() + refused.size() < inputs.size()) {
                // An input the answer does not mention: whether it was made, the ticket's notes say.
                Map<String, String> made = desk.notesByMarker(ticketId, deliveries(pending));
                for (Item i : pending) {
                    String noteId = made.get(HubSpotPayloads.marker(i.delivery()));
                    if (noteId != null) {
                        created.putIfAbsent(i.delivery().idempotencyKey(), noteId);
                    }
                }
            }
        }
        for (Item i : pending) {
            String key = i.delivery().idempotencyKey();
            String noteId = i.noteId() != null ? i.noteId() : created.get(key);
            if (noteId == null) {
                DeskApiException why = refused.get(key);
                throw why != null ? why : new DeskApiException(CALL + " answered without the note for one message",
                        0, true, null, null);
            }
            applied.add(DeskResult.of(ticketId, noteId));
        }
        pending.clear();
    }

    /**
     * Matches HubSpot's answer to the inputs: a result by its {@code objectWriteTraceId} when it names it, else by
     * the reference line in its note body (created records come back with the properties written); a refusal by
     * {@code context.objectWriteTraceId}.
     */
    private void read(JsonNode answer, List<Item> pending, Map<String, String> created,
                      Map<String, DeskApiException> refused) {
        for (JsonNode r : answer.path("results")) {
            String id = r.path("id").asText("");
            if (id.isEmpty()) {
                continue;
            }
            String trace = r.path("objectWriteTraceId").asText("");
            if (!trace.isEmpty()) {
                created.put(trace, id);
                continue;
            }
            String body = r.at("/properties/hs_note_body").asText("");
            for (Item i : pending) {
                if (i.noteId() == null && body.contains(HubSpotPayloads.marker(i.delivery()))) {
                    created.put(i.delivery().idempotencyKey(), id);
                    break;
                }
            }
        }
        for (JsonNode e : answer.path("errors")) {
            for (JsonNode trace : e.at("/context/objectWriteTraceId")) {
                refused.put(trace.asText(), refusal(e));
            }
        }
    }

    /** A per-input refusal, classified like the HTTP answer a single create would have had. */
    private DeskApiException refusal(JsonNode error) {
        String category = error.path("category").asText("");
        String text = error.path("message").asText("");
        if (text.length() > 300) {
            text = text.substring(0, 300) + "...";
        }
        boolean retryable = RATE_LIMITS.equals(category);
        return new DeskApiException(api.http().scrub(CALL + " did not create the note" + (category.isEmpty() ? ""
                : " (" + category + ")") + (text.isBlank() ? "" : ": " + text)), 207, retryable, null, error);
    }

    private void oneByOne(String ticketId, List<Item> pending, List<DeskResult> applied)
            throws DeskApiException, InterruptedException {
        for (Item i : pending) {
            applied.add(DeskResult.of(ticketId, i.noteId() != null ? i.noteId()
                    : desk.ensureNote(ticketId, i.delivery(), HubSpotPayloads.heading(i.delivery()))));
        }
        pending.clear();
    }

    private static List<DeskDelivery> deliveries(List<Item> items) {
        return items.stream().map(Item::delivery).toList();
    }
}
