package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Settings;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskErasures;
import dev.omnibridge.deskkit.DeskAssignment;
import dev.omnibridge.deskkit.DeskCalls;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.RatePacer;
import dev.omnibridge.deskkit.StoredFiles;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.RequesterErasure;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code freshdesk} instance. Out: a conversation's first message becomes a ticket (requester found or created,
 * hub conversation id in a custom field), later ones public incoming notes by the requester, internal ones private
 * notes; several waiting follow-ups of a ticket ({@link #deliverAll}) share one note. Freshdesk has no idempotency key, so each creation is preceded by a look-up of what a lost answer may have
 * created. In: an automation webhook names a ticket; its replies and status are re-read through the API.
 */
public final class FreshdeskConnector extends ConnectorBase<FreshdeskConnector.Running>
        implements DeskConnector, dev.omnibridge.spi.HelpCenter {
    private static final Logger LOG = LoggerFactory.getLogger(FreshdeskConnector.class);

    /** Everything {@link #open} sets up, replaced as a whole. */
    record Running(String instanceId, FreshdeskApi api, Requesters requesters, ReplyReader replies,
                           WebhookHint hint, ConnectorContext context, String conversationIdField,
                           long maxAttachmentBytes, RatePacer pacer, int perNote, FreshdeskErasure erasure,
                           FreshdeskHelpCenter helpCenter, RatingWriteBack ratings) {
    }

    /** The helpdesk's base (the configured baseUrl), once started. */
    private volatile URI agentBase;

    /** Freshdesk's agent interface shows a ticket at {@code <baseUrl>/helpdesk/tickets/<id>}. */
    @Override
    public java.util.Optional<URI> ticketUrl(String ticketRef) {
        URI base = agentBase;
        if (base == null || ticketRef == null || !ticketRef.matches("\\d{1,20}")) {
            return java.util.Optional.empty();
        }
        String root = base.toString().replaceAll("/+$", "");
        return java.util.Optional.of(URI.create(root + "/helpdesk/tickets/" + ticketRef));
    }

    @Override
    protected Running open(ConnectorContext context) throws Exception {
        Settings s = context.settings();
        URI base = s.url(FreshdeskType.BASE_URL);
        agentBase = base;
        Duration timeout = s.duration(FreshdeskType.TIMEOUT);
        RatePacer pacer = new RatePacer(s.integer(FreshdeskType.REQUESTS_PER_MINUTE), Duration.ofMinutes(1));
        DeskHttp http = DeskHttp.builder(base)
                .basicAuth(s.secret(FreshdeskType.API_KEY).reveal(), "X")
                .secret(s.secret(FreshdeskType.API_KEY).reveal())
                .timeout(timeout)
                .pacer(pacer)
                .build();
        FreshdeskApi api = new FreshdeskApi(http);
        try {
            api.me();
        } catch (DeskApiException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new IllegalStateException("Freshdesk refused the API key (HTTP " + e.status()
                        + "); check apiKey and that its agent is active");
            }
            throw new IllegalStateException("Freshdesk API not reachable at start: " + e.getMessage());
        }
        String field = s.string(FreshdeskType.CONVERSATION_ID_FIELD);
        long maxBytes = s.longValue(FreshdeskType.MAX_ATTACHMENT_BYTES);
        ReplyReader reader = new ReplyReader(api, new dev.omnibridge.deskkit.PublicFiles(base, timeout), context.attachments(), field,
                maxBytes);
        WebhookHint hint = new WebhookHint(s.string(FreshdeskType.WEBHOOK_SECRET_HEADER),
                s.secret(FreshdeskType.WEBHOOK_SECRET).reveal());
        Running r = new Running(context.instanceId(), api, new Requesters(api, context), reader, hint, context, field, maxBytes,
                pacer, s.integer(FreshdeskType.MESSAGES_PER_NOTE), new FreshdeskErasure(api),
                new FreshdeskHelpCenter(api, s.optionalUrl(FreshdeskType.PORTAL_URL).orElse(base)),
                new RatingWriteBack(context.instanceId(), api, s.bool(FreshdeskType.SATISFACTION_RATINGS),
                        s.integer(FreshdeskType.SATISFACTION_SCALE)));
        LOG.info("{}: freshdesk started for {}; automation webhook URL {}", context.instanceId(), base.getHost(),
                context.webhookUrl());
        return r;
    }

    @Override
    protected void close(Running was) {
        LOG.info("{}: freshdesk stopped", was.instanceId());
    }

    /** GDPR erasure of the customer's Freshdesk contact with its tickets ({@link FreshdeskErasure}). */
    @Override
    public RequesterErasure.Outcome eraseRequester(RequesterErasure request)
            throws DeliveryException {
        Running r = running();
        return DeskErasures.run(r.instanceId(), "Freshdesk", request, r.erasure()::erase);
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = running();
        return DeskCalls.deliver(r.instanceId(), delivery, () -> delivery.opensTicket() ? openTicket(r, delivery) : addNote(r, delivery));
    }

    private DeskResult openTicket(Running r, DeskDelivery d) throws DeskApiException, InterruptedException {
        Settings assignment = DeskAssignment.of(FreshdeskType.assignmentDef(), r.instanceId(), d);
        Long groupId = assignment.has(FreshdeskType.GROUP) ? assignment.longValue(FreshdeskType.GROUP) : null;
        long requesterId = r.requesters().resolve(d);
        // A retry after a lost answer: the ticket may exist already, carrying this conversation's id.
        JsonNode recent = r.api().recentTickets(requesterId);
        for (JsonNode t : recent) {
            if (d.conversation().id().equals(t.path("custom_fields").path(r.conversationIdField()).asText(null))) {
                LOG.info("{}: conversation {} already has ticket {}; not creating another", r.instanceId(),
                        d.conversation().id(), t.path("id").asText());
                return DeskResult.of(t.path("id").asText(), null);
            }
        }
        Files files = files(r, d);
        JsonNode created = files.uploads().isEmpty()
                ? r.api().createTicket(FreshdeskPayloads.ticket(d, requesterId, r.conversationIdField(), files.text(),
                        groupId))
                : r.api().createTicket(FreshdeskPayloads.ticketForm(d, requesterId, r.conversationIdField(),
                        files.text(), files.uploads(), groupId));
        // The description is no conversation in Freshdesk: there is no first-comment id to report.
        return DeskResult.of(Long.toString(FreshdeskApi.id(created, "POST /api/v2/tickets")), null);
    }

    private DeskResult addNote(Running r, DeskDelivery d) throws DeskApiException, InterruptedException {
        String ticketId = d.ticketRef();
        boolean internal = d.message().direction() == Direction.INTERNAL;
        Long requesterId = null;
        JsonNode ticket = null;
        if (!internal) {
            ticket = r.api().ticket(ticketId);
            requesterId = ticket.path("requester_id").asLong();
        }
        Files files = files(r, d);
        for (JsonNode c : r.api().conversations(ticketId)) {
            if (FreshdeskPayloads.isNoteFor(c, d, files.text(), internal, requesterId)) {
                LOG.info("{}: ticket {} already has note {} for this message; not adding another", r.instanceId(),
                        ticketId, c.path("id").asText());
                r.ratings().after(ticketId, List.of(d.message()));
                return DeskResult.of(ticketId, c.path("id").asText());
            }
        }
        new PriorityRaise(r.api(), ticketId, ticket).before(List.of(d));
        JsonNode note = files.uploads().isEmpty()
                ? r.api().addNote(ticketId, FreshdeskPayloads.note(d, files.text(), internal, requesterId))
                : r.api().addNote(ticketId, FreshdeskPayloads.noteForm(d, files.text(), internal, requesterId,
                        files.uploads()));
        String noteId = Long.toString(FreshdeskApi.id(note, "POST notes"));
        r.ratings().after(ticketId, List.of(d.message()));
        return DeskResult.of(ticketId, noteId);
    }

    /** The text to post and the files that fit: each under maxAttachmentBytes, together under Freshdesk's 20 MB. */
    private record Files(String text, List<FreshdeskPayloads.Upload> uploads) {
    }

    /**
     * A message as it will be posted, before its files are read: its text (naming files too large to attach) and
     * the stored files that fit, by their sizes, within maxAttachmentBytes each and Freshdesk's 20 MB together.
     */
    private record Planned(DeskDelivery delivery, String text, List<Attachment> files, long bytes) {
        boolean internal() {
            return delivery.message().direction() == Direction.INTERNAL;
        }
    }

    private static Files files(Running r, DeskDelivery d) {
        return read(r, List.of(plan(r, d))).get(0);
    }

    private static Planned plan(Running r, DeskDelivery d) {
        StringBuilder text = new StringBuilder(TicketText.body(d.message()));
        List<Attachment> files = new ArrayList<>();
        long budget = FreshdeskType.FRESHDESK_ATTACHMENT_LIMIT;
        for (Attachment a : d.message().attachments()) {
            if (!StoredFiles.isStored(a)) {
                continue;   // TicketText.body already names it
            }
            if (a.size() > Math.min(r.maxAttachmentBytes(), budget)) {
                text.append(tooLarge(a));
                continue;
            }
            files.add(a);
            budget -= a.size();
        }
        return new Planned(d, text.toString(), files, FreshdeskType.FRESHDESK_ATTACHMENT_LIMIT - budget);
    }

    /**
     * Reads the planned files of one note's messages, all of them together within Freshdesk's 20 MB; a file that
     * turns out larger than it said is named in its message's text instead of failing the message.
     */
    private static List<Files> read(Running r, List<Planned> note) {
        long budget = FreshdeskType.FRESHDESK_ATTACHMENT_LIMIT;
        List<Files> read = new ArrayList<>(note.size());
        for (Planned p : note) {
            StringBuilder text = new StringBuilder(p.text());
            List<FreshdeskPayloads.Upload> uploads = new ArrayList<>();
            for (Attachment a : p.files()) {
                byte[] bytes;
                try {
                    bytes = StoredFiles.read(r.context().attachments(), a, Math.min(r.maxAttachmentBytes(), budget));
                } catch (DeliveryException e) {
                    if (e.isRetryable()) {
                        throw e;
                    }
                    text.append(tooLarge(a));
                    continue;
                }
                budget -= bytes.length;
                uploads.add(new FreshdeskPayloads.Upload(a.fileName(), a.mediaType(), bytes));
            }
            read.add(new Files(text.toString(), uploads));
        }
        return read;
    }

    private static String tooLarge(Attachment a) {
        return "\n[file not attached: " + a.fileName() + ", too large for Freshdesk]";
    }

    /** {@code messagesPerNote}: the hub hands over that many waiting messages of a ticket at once. */
    @Override
    public int maxBatch() {
        return current().map(Running::perNote).orElse(1);
    }

    /**
     * Several follow-ups of one ticket as few notes as possible: consecutive messages of the same kind (public
     * customer messages, private internal ones) share one note, their sections in order, split only where the
     * note's files would pass Freshdesk's 20 MB. The ticket and its conversations are read once for the batch;
     * a message whose note is already there (its marker, or its text as described at
     * {@link FreshdeskPayloads#isNoteFor}) is answered with that note and not posted again.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        if (!DeskDelivery.isBatchForOneTicket(batch, maxBatch())) {
            return DeskConnector.super.deliverAll(batch);   // outside the contract: one by one, as deliver does
        }
        Running r = running();
        return DeskCalls.deliverAll(r.instanceId(), batch, done -> addNotes(r, batch, done));
    }

    private void addNotes(Running r, List<DeskDelivery> batch, List<DeskResult> done)
            throws DeskApiException, InterruptedException {
        String ticketId = batch.get(0).ticketRef();
        List<Planned> planned = batch.stream().map(d -> plan(r, d)).toList();
        JsonNode ticket = planned.stream().allMatch(Planned::internal) ? null : r.api().ticket(ticketId);
        Long requesterId = ticket == null ? null : ticket.path("requester_id").asLong();
        PriorityRaise raise = new PriorityRaise(r.api(), ticketId, ticket);
        List<JsonNode> conversations = r.api().conversations(ticketId);
        String[] existing = new String[planned.size()];
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            for (JsonNode c : conversations) {
                if (FreshdeskPayloads.isNoteFor(c, p.delivery(), p.text(), p.internal(),
                        p.internal() ? null : requesterId)) {
                    existing[i] = c.path("id").asText();
                    break;
                }
            }
        }
        int i = 0;
        while (i < planned.size()) {
            if (existing[i] != null) {
                LOG.info("{}: ticket {} already has note {} for a message of this batch; not adding another",
                        r.instanceId(), ticketId, existing[i]);
                r.ratings().after(ticketId, List.of(planned.get(i).delivery().message()));
                done.add(DeskResult.of(ticketId, existing[i]));
                i++;
                continue;
            }
            List<Planned> note = oneNote(planned, existing, i, r.perNote());
            List<Files> files = read(r, note);
            List<DeskDelivery> ds = note.stream().map(Planned::delivery).toList();
            List<String> texts = files.stream().map(Files::text).toList();
            List<FreshdeskPayloads.Upload> uploads = files.stream().flatMap(f -> f.uploads().stream()).toList();
            boolean internal = note.get(0).internal();
            Long author = internal ? null : requesterId;
            raise.before(ds);
            JsonNode created = uploads.isEmpty()
                    ? r.api().addNote(ticketId, FreshdeskPayloads.note(ds, texts, internal, author))
                    : r.api().addNote(ticketId, FreshdeskPayloads.noteForm(ds, texts, internal, author, uploads));
            String noteId = Long.toString(FreshdeskApi.id(created, "POST notes"));
            r.ratings().after(ticketId, ds.stream().map(DeskDelivery::message).toList());
            note.forEach(p -> done.add(DeskResult.of(ticketId, noteId)));
            i += note.size();
        }
    }

    /**
     * The messages from {@code from} on that one note carries: not yet on the ticket, all of one kind, at most
     * {@code most}, their files together within Freshdesk's 20 MB per note.
     */
    private static List<Planned> oneNote(List<Planned> planned, String[] existing, int from, int most) {
        List<Planned> note = new ArrayList<>();
        long bytes = 0;
        boolean internal = planned.get(from).internal();
        for (int i = from; i < planned.size() && note.size() < most; i++) {
            Planned p = planned.get(i);
            if (existing[i] != null || p.internal() != internal
                    || (!note.isEmpty() && bytes + p.bytes() > FreshdeskType.FRESHDESK_ATTACHMENT_LIMIT)) {
                break;
            }
            note.add(p);
            bytes += p.bytes();
        }
        return note;
    }

    /**
     * The knowledge base's published articles in folders visible to all users, in every supported language, for
     * the hub's knowledge base ({@link FreshdeskHelpCenter}). A 401/403 is permanent, a 429 retryable after its
     * Retry-After (and it holds this instance's other calls, like every 429).
     */
    @Override
    public List<dev.omnibridge.spi.HelpArticle> articles() throws DeliveryException {
        Running r = running();
        List<dev.omnibridge.spi.HelpArticle> articles = DeskCalls.read(r.instanceId(), "solution articles",
                () -> r.helpCenter().articles());
        LOG.info("{}: read {} solution articles", r.instanceId(), articles.size());
        return articles;
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        try {
            r.hint().verify(request);
            // Freshdesk charged this webhook to the account's API limit; only a hint with the secret is its.
            r.pacer().consume();
            if (!"POST".equals(request.method())) {
                throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; use POST");
            }
            String ticketId = WebhookHint.ticketId(request.body());
            ReplyReader.Read read;
            try {
                read = r.replies().read(ticketId);
            } catch (DeskApiException e) {
                if (e.isNotFound()) {
                    LOG.info("{}: webhook named ticket {}, which Freshdesk does not know", r.instanceId(), ticketId);
                    return WebhookOutcome.store(Inbound.none());
                }
                LOG.warn("{}: could not read ticket {}: {}", r.instanceId(), ticketId, e.getMessage());
                throw new WebhookRejectedException(503, "could not read the ticket from Freshdesk; retry later");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WebhookRejectedException(503, "interrupted");
            }
            LOG.debug("{}: ticket {}: {} agent repl(ies), status {}", r.instanceId(), ticketId,
                    read.replies().size(), read.updates());
            return WebhookOutcome.store(
                    Inbound.builder().replies(read.replies()).ticketUpdates(read.updates()).build());
        } catch (WebhookRejectedException e) {
            LOG.info("{}: rejected webhook from {} with {}: {}", r.instanceId(), request.remoteAddress(), e.status(),
                    e.getMessage());
            throw e;
        }
    }
}
