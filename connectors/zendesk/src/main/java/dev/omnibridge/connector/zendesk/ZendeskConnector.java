package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.config.Settings;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskErasures;
import dev.omnibridge.deskkit.DeskAssignment;
import dev.omnibridge.deskkit.Escalation;
import dev.omnibridge.deskkit.DeskCalls;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.RatePacer;
import dev.omnibridge.deskkit.RatingNotes;
import dev.omnibridge.deskkit.StoredFiles;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
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

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code zendesk} instance. A conversation's first message creates the requester (create_or_update by email,
 * phone and the hub contact id as external_id) and a ticket (Idempotency-Key, external_id = hub conversation id);
 * later messages become comments authored by the requester, internal ones private notes by the API user. Each
 * update carries the hub message ids in its audit metadata, which is looked up before posting so a retry never
 * posts twice. Several waiting follow-ups of a ticket ({@link #deliverAll}) go as one update carrying one comment, and
 * while a ticket's per-ticket update budget runs low, pending customer messages are posted together the same way.
 * Agents' replies come back through a signed webhook fired by a trigger; the comments are re-read through the API.
 */
public final class ZendeskConnector extends ConnectorBase<ZendeskConnector.Running>
        implements DeskConnector, dev.omnibridge.spi.HelpCenter {
    private static final Logger LOG = LoggerFactory.getLogger(ZendeskConnector.class);
    private static final int REMEMBERED = 10_000;
    /**
     * Most characters of one comment carrying several messages. Zendesk's limit on a comment is about 65,000
     * characters depending on encoding and markup (Zendesk staff, support.zendesk.com community post 4719863289498);
     * this leaves room for the sections' headings. A single message longer than this still goes alone, as before.
     */
    static final int COMMENT_CHARS = 60_000;

    /** Where a hub message ended up: ticket and comment. */
    record Posted(String ticketId, String commentId) {
    }

    record Running(ConnectorContext ctx, ZendeskApi api, ZendeskSignature signature, ZendeskReplies replies,
                           TicketBudget budget, long apiUserId, int batchBelow, long maxAttachmentBytes,
                           int perComment, ZendeskErasure erasure, ZendeskHelpCenter helpCenter) {
    }

    private final Clock clock;
    private final Map<String, Posted> posted = lru();
    private final Map<String, Long> requesters = lru();

    public ZendeskConnector() {
        this(Clock.systemUTC());
    }

    ZendeskConnector(Clock clock) {
        this(clock, java.util.Set.of());
    }

    /**
     * @param filesTrustedForTests exact {@code host:port} of a test's loopback file host (the stand-in for Zendesk's
     *                             temporary download host) that attachment downloads may reach; empty in production
     */
    ZendeskConnector(Clock clock, java.util.Set<String> filesTrustedForTests) {
        this.clock = clock;
        this.filesTrustedForTests = java.util.Set.copyOf(filesTrustedForTests);
    }

    private final java.util.Set<String> filesTrustedForTests;

    private static <V> Map<String, V> lru() {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        });
    }

    /** The agent interface's base (the configured baseUrl), once started. */
    private volatile java.net.URI agentBase;

    /** Zendesk's agent interface shows a ticket at {@code <baseUrl>/agent/tickets/<id>}. */
    @Override
    public java.util.Optional<java.net.URI> ticketUrl(String ticketRef) {
        java.net.URI base = agentBase;
        if (base == null || ticketRef == null || !ticketRef.matches("\\d{1,20}")) {
            return java.util.Optional.empty();
        }
        String root = base.toString().replaceAll("/+$", "");
        return java.util.Optional.of(java.net.URI.create(root + "/agent/tickets/" + ticketRef));
    }

    @Override
    protected Running open(ConnectorContext context) throws Exception {
        Settings s = context.settings();
        agentBase = s.url(ZendeskType.BASE_URL);
        RatePacer pacer = new RatePacer(s.integer(ZendeskType.REQUESTS_PER_MINUTE), Duration.ofMinutes(1));
        ZendeskApi api = new ZendeskApi(s.url(ZendeskType.BASE_URL), s.string(ZendeskType.EMAIL),
                s.secret(ZendeskType.API_TOKEN).reveal(), s.duration(ZendeskType.TIMEOUT), pacer,
                filesTrustedForTests);
        JsonNode me;
        try {
            me = api.me();
        } catch (DeskApiException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new IllegalStateException("Zendesk refused the API token for the configured email (HTTP "
                        + e.status() + "); check email, apiToken and that token access is enabled");
            }
            throw new IllegalStateException("Zendesk credentials could not be checked: " + e.getMessage());
        }
        long apiUserId = me.path("id").asLong();
        if (apiUserId == 0 || "end-user".equals(me.path("role").asText())) {
            throw new IllegalStateException("the Zendesk API user must be an agent or admin (GET /api/v2/users/me "
                    + "answered role '" + me.path("role").asText() + "')");
        }
        long maxBytes = s.longValue(ZendeskType.MAX_ATTACHMENT_BYTES);
        Running r = new Running(context, api,
                new ZendeskSignature(s.secret(ZendeskType.WEBHOOK_SECRET).reveal(),
                        s.duration(ZendeskType.SIGNATURE_TOLERANCE), clock),
                new ZendeskReplies(api, context.attachments(), apiUserId, maxBytes),
                new TicketBudget(s.integer(ZendeskType.TICKET_UPDATES), clock), apiUserId,
                s.integer(ZendeskType.BATCH_BELOW), maxBytes, s.integer(ZendeskType.MESSAGES_PER_COMMENT),
                new ZendeskErasure(api, s.bool(ZendeskType.ERASE_TICKETS)),
                new ZendeskHelpCenter(api, s.list(ZendeskType.HELP_CENTER_LOCALES)));
        LOG.info("{}: zendesk started on {} as API user {}", context.instanceId(), s.url(ZendeskType.BASE_URL), apiUserId);
        return r;
    }

    @Override
    public DeskResult deliver(DeskDelivery d) throws DeliveryException {
        Running r = running();
        return DeskCalls.deliver(r.ctx().instanceId(), d,
                () -> d.opensTicket() ? open(r, d) : add(r, d, d.ticketRef()));
    }

    /** {@code messagesPerComment}: the hub hands over that many waiting messages of a ticket at once. */
    @Override
    public int maxBatch() {
        return current().map(Running::perComment).orElse(1);
    }

    /**
     * Several follow-ups of one ticket as few updates as possible: consecutive messages of the same kind (customer
     * messages as public comments by the requester, internal ones as private notes) share one comment, its sections
     * in order, split only where a comment would pass {@link #COMMENT_CHARS}. Every update lists all its messages'
     * keys in the audit metadata, and the ticket's audits are read once before posting, so messages already on the
     * ticket (alone or in another batch) are answered with their comment instead of being posted again.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        if (!DeskDelivery.isBatchForOneTicket(batch, maxBatch())) {
            return DeskConnector.super.deliverAll(batch);   // outside the contract: one by one, as deliver does
        }
        Running r = running();
        return DeskCalls.deliverAll(r.ctx().instanceId(), batch,
                done -> addAll(r, batch.get(0).ticketRef(), batch, done));
    }

    /** Posts {@code batch} on {@code ticketId}, appending one result per message to {@code done} as it goes. */
    private void addAll(Running r, String ticketId, List<DeskDelivery> batch, List<DeskResult> done)
            throws DeskApiException, InterruptedException {
        Map<String, Posted> known = alreadyPosted(r, ticketId, batch);
        int i = 0;
        while (i < batch.size()) {
            Posted already = known.get(key(batch.get(i).message()));
            if (already != null) {
                tagTicket(r, already.ticketId(), List.of(batch.get(i).message()));
                done.add(DeskResult.of(already.ticketId(), already.commentId()));
                i++;
                continue;
            }
            List<DeskDelivery> chunk = oneComment(batch, i, known, r.perComment());
            Duration wait = r.budget().waitFor(ticketId);
            if (!wait.isZero()) {
                throw DeliveryException.retryableForThisRecord("ticket " + ticketId + " has used its "
                        + "Zendesk update budget for the last 10 minutes", wait);
            }
            DeskDelivery first = chunk.get(0);
            boolean internal = first.message().direction() == Direction.INTERNAL;
            List<Message> messages = chunk.stream().map(DeskDelivery::message).toList();
            List<String> keys = messages.stream().map(ZendeskConnector::key).toList();
            ObjectNode comment = ZendeskPayloads.comment(TicketText.combined(messages), !internal,
                    internal ? null : requester(r, first), uploads(r, messages));
            JsonNode answer;
            try {
                answer = r.api().updateTicket(ticketId,
                        ZendeskPayloads.commentUpdate(comment, keys, raiseTo(r, ticketId, messages)));
            } catch (DeskApiException e) {
                if (e.status() == 422 && "closed".equals(r.api().ticket(ticketId).path("status").asText())) {
                    movedOn(r, ticketId, batch.subList(i, batch.size()), chunk, comment, keys, done);
                    return;
                }
                throw e;
            }
            r.budget().record(ticketId);
            String commentId = commentIdOf(answer.path("audit"));
            if (commentId == null) {
                Posted found = findInAudits(r, ticketId, keys.get(0));
                commentId = found == null ? null : found.commentId();
            }
            remember(keys, new Posted(ticketId, commentId));
            tagTicket(r, ticketId, messages);
            for (int k = 0; k < chunk.size(); k++) {
                done.add(DeskResult.of(ticketId, commentId));
            }
            i += chunk.size();
        }
    }

    /**
     * The ticket closed meanwhile: the rest of the batch goes to the conversation's open follow-up ticket (checked
     * for what an earlier attempt posted there), or to a new follow-up made with the first comment.
     */
    private void movedOn(Running r, String closedId, List<DeskDelivery> rest, List<DeskDelivery> chunk,
                         ObjectNode comment, List<String> keys, List<DeskResult> done)
            throws DeskApiException, InterruptedException {
        DeskDelivery first = chunk.get(0);
        JsonNode open = newestOpenTicket(r, first.conversation().id(), closedId);
        if (open != null) {
            addAll(r, open.path("id").asText(), rest, done);
            return;
        }
        DeskResult created = create(r, first, requester(r, first), comment, closedId, keys);
        for (int k = 0; k < chunk.size(); k++) {
            done.add(created);
        }
        if (rest.size() > chunk.size()) {
            addAll(r, created.ticketRef(), rest.subList(chunk.size(), rest.size()), done);
        }
    }

    /**
     * The messages from {@code from} on that one comment carries: not yet posted, all of one kind (public customer
     * messages or private internal ones), at most {@code most}, within {@link #COMMENT_CHARS}.
     */
    static List<DeskDelivery> oneComment(List<DeskDelivery> batch, int from, Map<String, Posted> known, int most) {
        List<DeskDelivery> chunk = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        boolean internal = batch.get(from).message().direction() == Direction.INTERNAL;
        for (int i = from; i < batch.size() && chunk.size() < most; i++) {
            Message m = batch.get(i).message();
            if (known.containsKey(key(m)) || (m.direction() == Direction.INTERNAL) != internal
                    || !fitsOneComment(messages, m)) {
                break;
            }
            chunk.add(batch.get(i));
            messages.add(m);
        }
        return chunk;
    }

    /** The batch's messages already on a ticket: remembered, else found in the ticket's audits (read once). */
    private Map<String, Posted> alreadyPosted(Running r, String ticketId, List<DeskDelivery> batch)
            throws DeskApiException, InterruptedException {
        Map<String, Posted> known = new java.util.HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (DeskDelivery d : batch) {
            Posted p = posted.get(key(d.message()));
            if (p != null) {
                known.put(key(d.message()), p);
            } else {
                unknown.add(key(d.message()));
            }
        }
        if (unknown.isEmpty()) {
            return known;
        }
        for (JsonNode audit : r.api().audits(ticketId, 3)) {
            List<String> ids = Arrays.asList(audit.path("metadata").path("custom")
                    .path(ZendeskPayloads.MESSAGE_IDS).asText("").split(","));
            for (String k : unknown) {
                if (ids.contains(k) && !known.containsKey(k)) {
                    Posted p = new Posted(ticketId, commentIdOf(audit));
                    remember(List.of(k), p);
                    known.put(k, p);
                }
            }
        }
        return known;
    }

    /** Hub message id (stable across retries), or the channel's id before the hub stored it. */
    static String key(Message m) {
        return m.id() != null ? m.id() : m.channelMessageId();
    }

    private DeskResult open(Running r, DeskDelivery d) throws DeskApiException, InterruptedException {
        // A ticket already carrying this conversation id means an earlier attempt created it (answer lost).
        JsonNode existing = newestOpenTicket(r, d.conversation().id(), null);
        if (existing != null) {
            String id = existing.path("id").asText();
            String first = firstCommentId(r, id);
            remember(List.of(key(d.message())), new Posted(id, first));
            return DeskResult.of(id, first);
        }
        boolean internal = d.message().direction() == Direction.INTERNAL;
        long requesterId = requester(r, d);
        ObjectNode comment = ZendeskPayloads.comment(TicketText.body(d.message()), !internal,
                internal ? null : requesterId, uploads(r, List.of(d.message())));
        return create(r, d, requesterId, comment, null, List.of(key(d.message())));
    }

    private DeskResult create(Running r, DeskDelivery d, long requesterId, ObjectNode comment, String followUpOf,
                              List<String> keys) throws DeskApiException, InterruptedException {
        Settings assignment = DeskAssignment.of(ZendeskType.assignmentDef(), r.ctx().instanceId(), d);
        Long groupId = assignment.has(ZendeskType.GROUP) ? assignment.longValue(ZendeskType.GROUP) : null;
        JsonNode answer = r.api().createTicket(
                ZendeskPayloads.newTicket(d, requesterId, comment, followUpOf, keys, groupId), d.idempotencyKey());
        String id = answer.path("ticket").path("id").asText();
        r.budget().record(id);
        String commentId = commentIdOf(answer.path("audit"));
        if (commentId == null) {
            commentId = firstCommentId(r, id);
        }
        remember(keys, new Posted(id, commentId));
        LOG.debug("{}: conversation {} -> ticket {}{}", r.ctx().instanceId(), d.conversation().id(), id,
                followUpOf == null ? "" : " (follow-up of closed ticket " + followUpOf + ")");
        return DeskResult.of(id, commentId);
    }

    private DeskResult add(Running r, DeskDelivery d, String ticketId) throws DeskApiException, InterruptedException {
        String key = key(d.message());
        Posted known = posted.get(key);
        if (known == null) {
            known = findInAudits(r, ticketId, key);
        }
        if (known != null) {
            tagTicket(r, known.ticketId(), List.of(d.message()));
            return DeskResult.of(known.ticketId(), known.commentId());
        }
        boolean internal = d.message().direction() == Direction.INTERNAL;
        Duration wait = r.budget().waitFor(ticketId);
        if (!wait.isZero()) {
            // This ticket's budget, not the account's: the hub's other deliveries to Zendesk go on.
            throw DeliveryException.retryableForThisRecord("ticket " + ticketId + " has used its "
                    + "Zendesk update budget for the last 10 minutes", wait);
        }
        List<Message> batch = internal || r.budget().remaining(ticketId) > r.batchBelow()
                ? List.of(d.message()) : pendingCustomerMessages(r, d);
        List<String> keys = batch.stream().map(ZendeskConnector::key).toList();
        Long author = internal ? null : requester(r, d);
        ObjectNode comment = ZendeskPayloads.comment(TicketText.combined(batch), !internal, author,
                uploads(r, batch));
        JsonNode answer;
        try {
            answer = r.api().updateTicket(ticketId,
                    ZendeskPayloads.commentUpdate(comment, keys, raiseTo(r, ticketId, batch)));
        } catch (DeskApiException e) {
            if (e.status() == 422 && "closed".equals(r.api().ticket(ticketId).path("status").asText())) {
                return followUp(r, d, ticketId, comment, keys);
            }
            throw e;
        }
        r.budget().record(ticketId);
        String commentId = commentIdOf(answer.path("audit"));
        if (commentId == null) {
            Posted found = findInAudits(r, ticketId, key);
            commentId = found == null ? null : found.commentId();
        }
        remember(keys, new Posted(ticketId, commentId));
        tagTicket(r, ticketId, batch);
        if (batch.size() > 1) {
            LOG.info("{}: ticket {} is short of updates; posted {} customer messages as one comment",
                    r.ctx().instanceId(), ticketId, batch.size());
        }
        return DeskResult.of(ticketId, commentId);
    }

    /**
     * Puts the tags of the survey notes among {@code messages} ({@code csat}, {@code csat-4}...; see
     * {@link RatingNotes}) on the ticket, next to its own, after the note is posted (and again when a retry finds the
     * note already there: adding a tag twice changes nothing). A refusal (a closed ticket takes no changes) leaves
     * the note as it is, logged; a retryable failure fails the delivery so the retry adds them. A ticket made from
     * the note carries its tags already ({@link ZendeskPayloads#newTicket}).
     */
    private static void tagTicket(Running r, String ticketId, List<Message> messages)
            throws DeskApiException, InterruptedException {
        java.util.Set<String> tags = RatingNotes.ticketTags(messages);
        if (tags.isEmpty() || ticketId == null) {
            return;
        }
        try {
            r.api().addTags(ticketId, tags);
            r.budget().record(ticketId);
        } catch (DeskApiException e) {
            if (e.retryable()) {
                throw e;
            }
            LOG.warn("{}: ticket {}: the survey tags were not added: {}", r.ctx().instanceId(), ticketId,
                    e.getMessage());
        }
    }

    /**
     * The help center's published articles visible to everyone, in every enabled locale (or the configured
     * {@code helpCenterLocales}), for the hub's knowledge base ({@link ZendeskHelpCenter}). Needs an agent API user
     * (it already is one: checked at start); a 401/403 is permanent, a 429 retryable after its Retry-After.
     */
    @Override
    public List<dev.omnibridge.spi.HelpArticle> articles() throws DeliveryException {
        Running r = running();
        List<dev.omnibridge.spi.HelpArticle> articles = DeskCalls.read(r.ctx().instanceId(),
                "help center articles", () -> r.helpCenter().articles());
        LOG.info("{}: read {} help-center articles", r.ctx().instanceId(), articles.size());
        return articles;
    }

    /**
     * The priority this comment's update sets, or null. A follow-up classified HIGH or URGENT raises its ticket
     * (the highest of the comment's messages); URGENT is set as it is, since nothing is above it, while HIGH needs
     * one read of the ticket first, so that an urgent ticket (or a high one) is never touched. Repeating the update
     * after a lost answer finds the comment in the audits and sends nothing; the priority went with it.
     */
    private static Priority raiseTo(Running r, String ticketId, List<Message> messages)
            throws DeskApiException, InterruptedException {
        Optional<Priority> asked = Escalation.askedBy(messages);
        if (asked.isEmpty()) {
            return null;
        }
        if (asked.get() == Priority.URGENT) {
            return Priority.URGENT;
        }
        Priority current = ZendeskPayloads.priorityOf(r.api().ticket(ticketId));
        return Escalation.raises(current, asked.get()) ? asked.get() : null;
    }

    /**
     * Zendesk refuses comments on a closed ticket: the message goes to the conversation's follow-up ticket, made
     * with via_followup_source_id unless an earlier attempt made it already; its id becomes the new ticket ref.
     */
    private DeskResult followUp(Running r, DeskDelivery d, String closedId, ObjectNode comment, List<String> keys)
            throws DeskApiException, InterruptedException {
        JsonNode existing = newestOpenTicket(r, d.conversation().id(), closedId);
        if (existing != null) {
            return add(r, d, existing.path("id").asText());
        }
        long requesterId = requester(r, d);
        return create(r, d, requesterId, comment, closedId, keys);
    }

    /** The customer messages from this one on that are not on the ticket yet, oldest first. */
    private List<Message> pendingCustomerMessages(Running r, DeskDelivery d) {
        List<Message> recent = r.ctx().recentMessages(d.conversation().id(), 50);
        List<Message> batch = new ArrayList<>();
        boolean reached = false;
        for (Message m : recent) {
            reached |= key(m).equals(key(d.message()));
            if (reached && m.direction() == Direction.INBOUND && !posted.containsKey(key(m))
                    && batch.size() < r.perComment() && fitsOneComment(batch, m)) {
                batch.add(m);
            }
        }
        return batch.isEmpty() || !key(batch.get(0)).equals(key(d.message())) ? List.of(d.message()) : batch;
    }

    /** Whether {@code next} can join {@code messages} in one comment without passing {@link #COMMENT_CHARS}. */
    static boolean fitsOneComment(List<Message> messages, Message next) {
        if (messages.isEmpty()) {
            return true;
        }
        List<Message> with = new ArrayList<>(messages);
        with.add(next);
        return TicketText.combined(with).length() <= COMMENT_CHARS;
    }

    /**
     * The contact's requester: the one the hub remembers for this desk (so a customer's second channel, or a contact
     * the hub joined into this one, reuses it), else made or found by create_or_update (keyed by the hub contact id
     * as external_id) and remembered. The email address and phone number Zendesk answers with (an agent may have
     * added them to the user) are reported to the hub as the requester's: verified evidence of one customer.
     */
    private long requester(Running r, DeskDelivery d) throws DeskApiException, InterruptedException {
        String contactId = d.contact().id();
        Long known = requesters.get(contactId);
        if (known != null) {
            return known;
        }
        Optional<String> remembered = r.ctx().requesters().find(contactId).filter(ref -> ref.matches("\\d+"));
        if (remembered.isPresent()) {
            long id = Long.parseLong(remembered.get());
            requesters.put(contactId, id);
            return id;
        }
        JsonNode user = r.api().createOrUpdateUser(ZendeskPayloads.requester(d));
        long id = user.path("id").asLong();
        if (id <= 0) {
            throw new DeskApiException("POST /api/v2/users/create_or_update answered without a user id", 200, false,
                    null, null);
        }
        r.ctx().requesters().remember(contactId, Long.toString(id));
        List<Address> addresses = ZendeskPayloads.addressesOf(user, r.ctx());
        if (!addresses.isEmpty()) {
            r.ctx().requesters().reportAddresses(contactId, addresses);
        }
        requesters.put(contactId, id);
        return id;
    }

    /**
     * The addresses Zendesk now holds for the ticket's requesters (an agent may have added an email identity or a
     * phone number since the user was made), re-read for free with the comments of every webhook, reported to the
     * hub under the hub contact id the user carries as external_id. The hub ignores what it already knows.
     */
    private static void reportRequesters(Running r, List<JsonNode> users) {
        for (JsonNode user : users) {
            List<Address> addresses = ZendeskPayloads.addressesOf(user, r.ctx());
            if (addresses.isEmpty()) {
                continue;
            }
            try {
                r.ctx().requesters().reportAddresses(user.path("external_id").asText(), addresses);
            } catch (RuntimeException e) {
                // Evidence for joining contacts, not the webhook's purpose: the agents' replies still go through.
                LOG.warn("{}: the addresses of Zendesk user {} could not be reported: {}", r.ctx().instanceId(),
                        user.path("id").asText(), e.getClass().getSimpleName());
            }
        }
    }

    /**
     * GDPR erasure of the customer in Zendesk ({@link ZendeskErasure}): the tickets of the customer's conversations
     * (unless {@code eraseTickets} is off), then the requester, each deleted and then permanently deleted.
     */
    @Override
    public RequesterErasure.Outcome eraseRequester(RequesterErasure request)
            throws DeliveryException {
        Running r = running();
        RequesterErasure.Outcome outcome = DeskErasures.run(r.ctx().instanceId(), "Zendesk", request, r.erasure()::erase);
        requesters.remove(request.contactId());
        return outcome;
    }

    private List<String> uploads(Running r, List<Message> messages) throws DeskApiException, InterruptedException {
        List<String> tokens = new ArrayList<>();
        for (Message m : messages) {
            for (Attachment a : m.attachments()) {
                if (StoredFiles.isStored(a)) {   // others are named in the comment text by TicketText.body
                    byte[] bytes = StoredFiles.read(r.ctx().attachments(), a, r.maxAttachmentBytes());
                    tokens.add(r.api().upload(a.fileName(), a.mediaType(), bytes));
                }
            }
        }
        return tokens;
    }

    /** The newest ticket with this conversation id that can still take comments, other than {@code except}. */
    private static JsonNode newestOpenTicket(Running r, String conversationId, String except)
            throws DeskApiException, InterruptedException {
        JsonNode best = null;
        for (JsonNode t : r.api().ticketsByExternalId(conversationId)) {
            if (!conversationId.equals(t.path("external_id").asText()) || "closed".equals(t.path("status").asText())
                    || t.path("id").asText().equals(except)) {
                continue;
            }
            if (best == null || t.path("id").asLong() > best.path("id").asLong()) {
                best = t;
            }
        }
        return best;
    }

    private Posted findInAudits(Running r, String ticketId, String key) throws DeskApiException, InterruptedException {
        for (JsonNode audit : r.api().audits(ticketId, 3)) {
            String ids = audit.path("metadata").path("custom").path(ZendeskPayloads.MESSAGE_IDS).asText("");
            if (Arrays.asList(ids.split(",")).contains(key)) {
                Posted p = new Posted(ticketId, commentIdOf(audit));
                remember(List.of(key), p);
                return p;
            }
        }
        return null;
    }

    private static String firstCommentId(Running r, String ticketId) throws DeskApiException, InterruptedException {
        List<JsonNode> comments = r.api().comments(ticketId, new ArrayList<>(), 1);
        return comments.isEmpty() ? null : comments.get(0).path("id").asText();
    }

    private static String commentIdOf(JsonNode audit) {
        for (JsonNode e : audit.path("events")) {
            if ("Comment".equals(e.path("type").asText()) && e.hasNonNull("id")) {
                return e.path("id").asText();
            }
        }
        return null;
    }

    private void remember(List<String> keys, Posted p) {
        keys.forEach(k -> posted.put(k, p));
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        try {
            r.signature().verify(request);
        } catch (WebhookRejectedException e) {
            LOG.info("{}: rejected webhook from {}: {}", r.ctx().instanceId(), request.remoteAddress(), e.getMessage());
            throw e;
        }
        if (!"POST".equals(request.method())) {
            throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; use POST");
        }
        JsonNode body;
        try {
            body = DeskHttp.JSON.readTree(request.body());
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not JSON");
        }
        String ticketId = body == null ? "" : body.path("ticket_id").asText("").strip();
        if (!ticketId.matches("\\d+")) {
            throw WebhookRejectedException.badRequest("ticket_id is missing; see the payload template in the README");
        }
        try {
            ZendeskReplies.Read read = r.replies().read(ticketId, body.path("external_id").asText(null),
                    body.path("status").asText(null));
            LOG.debug("{}: ticket {}: {} agent repl(ies), {} comment(s) ignored, {} status update(s)",
                    r.ctx().instanceId(), ticketId, read.replies().size(), read.ignored(), read.updates().size());
            reportRequesters(r, read.requesters());
            return WebhookOutcome.store(
                    Inbound.builder().replies(read.replies()).ticketUpdates(read.updates()).build());
        } catch (DeskApiException e) {
            // 503 makes Zendesk retry the webhook later.
            LOG.warn("{}: ticket {} could not be read back: {}", r.ctx().instanceId(), ticketId, e.getMessage());
            throw new WebhookRejectedException(503, "ticket could not be read from Zendesk; retry later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejectedException(503, "interrupted");
        }
    }
}
