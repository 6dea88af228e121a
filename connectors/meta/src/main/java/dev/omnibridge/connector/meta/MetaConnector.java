package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.net.SafeFetcher;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.SentParts;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One {@code whatsapp}, {@code messenger} or {@code instagram} instance: Meta's signed webhooks in, Graph API
 * Send API out, with the 24-hour customer service window enforced before anything is sent.
 */
final class MetaConnector extends ConnectorBase<MetaConnector.Running> implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(MetaConnector.class);
    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    static final Duration WINDOW = Duration.ofHours(24);
    static final Duration HUMAN_AGENT_WINDOW = Duration.ofDays(7);
    /** Graph error codes that mean "slow down": retried. */
    static final Set<Integer> RATE_LIMITS = Set.of(4, 17, 32, 613, 80007, 130429, 131048, 131056);
    /** Graph error codes that will not get better by retrying. */
    static final Set<Integer> PERMANENT = Set.of(131047, 131026, 131051, 100, 10, 200, 551, 2018278);
    /**
     * Graph codes that say this customer cannot be reached here now, the channel itself being fine: 131047 (more than
     * 24 hours since the customer last wrote: only a template may go) and 131026 (undeliverable: not a WhatsApp user,
     * or an old app). The hub may answer on another of the customer's addresses
     * ({@link DeliveryException#unreachable}).
     */
    static final Set<Integer> CUSTOMER_UNREACHABLE = Set.of(131047, 131026);
    static final int EXPIRED_TOKEN = 190;
    /** Offset key prefix: when the re-engagement template last went to a conversation (ISO instant). */
    static final String TEMPLATE_SENT = "template-sent:";

    /** Meta redelivers a webhook for up to 36 hours; a media retry whose message is not stored by then is dropped. */
    static final Duration META_REDELIVERY = Duration.ofHours(36);

    record Running(ConnectorContext context, MetaSettings settings, GraphApi api, MediaDownloads downloads,
                           FileRetries late) {
    }

    private final Product product;
    private final Clock clock;
    /** Test seam: exact host:port authorities the media fetcher treats as public (see {@link SafeFetcher}). */
    private final Set<String> mediaTrustedForTests;

    MetaConnector(Product product) {
        this(product, Clock.systemUTC());
    }

    MetaConnector(Product product, Clock clock) {
        this(product, clock, Set.of());
    }

    /**
     * @param mediaTrustedForTests exact {@code host:port} authorities of a test's loopback stub that media downloads
     *                             may reach over plain http; empty in production
     */
    MetaConnector(Product product, Clock clock, Set<String> mediaTrustedForTests) {
        this.product = product;
        this.clock = clock;
        this.mediaTrustedForTests = Set.copyOf(mediaTrustedForTests);
    }

    @Override
    protected Running open(ConnectorContext context) {
        MetaSettings settings = MetaSettings.from(product, context.settings());
        GraphApi api = new GraphApi(settings.graphApiBaseUrl(), settings.graphApiVersion(),
                settings.accessToken().reveal(), settings.timeout(), mediaTrustedForTests);
        MediaDownloads downloads = new MediaDownloads(api, context.attachments(), settings.maxMediaBytes());
        FileRetries late = new FileRetries(context, new ChannelRef(product.type, context.instanceId()), "media",
                settings.mediaRetries(), settings.mediaRetryDelay(), META_REDELIVERY, clock, downloads::again);
        Running r = new Running(context, settings, api, downloads, late);
        late.resume();
        LOG.info("{}: {} started; register {} as the callback URL in the Meta app dashboard", context.instanceId(),
                product.type, context.webhookUrl());
        return r;
    }

    @Override
    protected void close(Running was) {
        was.late().stop();
        LOG.info("{}: {} stopped", was.context().instanceId(), product.type);
    }

    // ---------------------------------------------------------------------------------------------- webhooks

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        if ("GET".equals(request.method())) {
            return verification(r, request);
        }
        if (!"POST".equals(request.method())) {
            throw new WebhookRejectedException(405, "method " + request.method() + " not allowed");
        }
        String given = request.header(SIGNATURE_HEADER).map(String::strip).orElse("");
        if (given.isEmpty()) {
            LOG.info("{}: rejected webhook from {}: no signature", r.context().instanceId(), request.remoteAddress());
            throw WebhookRejectedException.forbidden("missing " + SIGNATURE_HEADER + " header");
        }
        String expected = "sha256=" + HmacSignatures.hmacSha256Hex(r.settings().appSecret().reveal(), request.body());
        if (!HmacSignatures.constantTimeEquals(expected, given.toLowerCase(Locale.ROOT))) {
            LOG.info("{}: rejected webhook from {}: wrong signature", r.context().instanceId(),
                    request.remoteAddress());
            throw WebhookRejectedException.forbidden(SIGNATURE_HEADER + " does not match the configured appSecret");
        }
        JsonNode root;
        try {
            root = GraphApi.JSON.readTree(request.body());
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not JSON");
        }
        if (root == null || !root.isObject() || !root.path("entry").isArray()) {
            throw WebhookRejectedException.badRequest("body is not a Meta webhook notification (object, entry[])");
        }
        String object = root.path("object").asText("");
        if (!object.equals(product.object)) {
            LOG.info("{}: ignored a webhook for object '{}' (this {} instance takes '{}')", r.context().instanceId(),
                    object, product.type, product.object);
            return WebhookOutcome.respond(WebhookResponse.json(200, "{\"status\":\"ignored\"}"));
        }
        WebhookMapper mapper = new WebhookMapper(product, new ChannelRef(product.type, r.context().instanceId()),
                r.downloads(), r.late().enabled());
        Inbound inbound;
        try {
            inbound = mapper.map(root, clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejectedException(503, "interrupted");
        }
        if (inbound.isEmpty()) {
            return WebhookOutcome.respond(WebhookResponse.json(200, "{\"status\":\"ignored\"}"));
        }
        // A file that could not be fetched now must not hold the message back (Meta would redeliver the whole batch
        // for as long as the file fails): the message is stored with a note, and the download is saved with it and
        // tried again in the background.
        List<FileRetries.Job> pending = r.late().firstFailures(mapper.pending());
        if (!pending.isEmpty()) {
            r.context().reportProblem(pending.size() + " media download(s) failed; stored with a note, retrying");
            inbound = inbound.withOffsets(r.late().offsetsFor(pending));
            pending.forEach(r.late()::schedule);
        }
        LOG.debug("{}: webhook -> {} messages, {} statuses, {} annotations", r.context().instanceId(),
                inbound.messages().size(), inbound.statuses().size(), inbound.annotations().size());
        return WebhookOutcome.store(inbound);
    }

    private WebhookOutcome verification(Running r, WebhookRequest request) {
        String mode = request.queryParam("hub.mode").orElse("");
        String token = request.queryParam("hub.verify_token").orElse(null);
        String challenge = request.queryParam("hub.challenge").orElse("");
        if (!"subscribe".equals(mode)
                || !HmacSignatures.constantTimeEquals(r.settings().verifyToken().reveal(), token)) {
            LOG.info("{}: refused a webhook verification request from {}", r.context().instanceId(),
                    request.remoteAddress());
            throw WebhookRejectedException.forbidden("verification failed: hub.mode or hub.verify_token is wrong");
        }
        LOG.info("{}: answered Meta's webhook verification", r.context().instanceId());
        return WebhookOutcome.respond(WebhookResponse.text(200, challenge));
    }

    // ---------------------------------------------------------------------------------------------- outbound

    /**
     * All three take a free-form message within 24 hours of the customer's last one; Messenger's and Instagram's
     * HUMAN_AGENT tag is for a person's answer, never for an automatic acknowledgement.
     */
    @Override
    public Duration replyWindow() {
        return WINDOW;
    }

    /**
     * WhatsApp can write first to a phone number (its wa_id is the number's digits), though outside the customer's
     * 24-hour window only a template goes: such a send fails as unreachable, and the hub tries its next fallback.
     * Messenger and Instagram ids are page-scoped, never an address the hub knows from elsewhere.
     */
    @Override
    public String threadToStart(dev.omnibridge.model.Address address, String suggestedKey) {
        if (product != Product.WHATSAPP || address == null
                || address.kind() != dev.omnibridge.model.AddressKind.PHONE || !address.value().startsWith("+")) {
            return null;
        }
        String digits = address.value().substring(1);
        return digits.matches("[0-9]{1,32}") ? digits : null;
    }

    /**
     * What one message of the product carries; the hub fits every reply to it before {@link #send} (splits a long
     * text into several sends, numbers options beyond the buttons, names files the product does not take in the text):
     * <ul>
     *   <li>WhatsApp: a text {@code body} of at most 4,096 characters, an interactive message's body at most 1,024;
     *       reply buttons up to 3 with titles of at most 20 characters, a list up to 10 rows (titles 24), so up to 10
     *       options with labels of 20
     *       (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages,
     *       .../interactive-list-messages); the media types and sizes of "Supported media types" ({@link MediaRules});
     *       templates outside the 24-hour window; read receipts from the {@code statuses} webhook.</li>
     *   <li>Messenger: text up to 2,000 characters; up to 13 quick replies, titles shown up to 20 characters
     *       (https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies/); any file up to
     *       25 MB; read receipts ({@code read} events).</li>
     *   <li>Instagram: text up to 1,000 <em>bytes</em> of UTF-8; 13 quick replies of 20 characters
     *       (https://developers.facebook.com/docs/messenger-platform/instagram/features/quick-replies/); files only
     *       from a public https URL, of the types of "Send a Message"; read receipts.</li>
     * </ul>
     * Text lengths are counted in UTF-16 code units, which is never fewer than Meta's characters. File sizes are also
     * capped by the instance's {@code maxMediaBytes}.
     */
    @Override
    public ChannelCapabilities capabilities() {
        long cap = current().map(r -> r.settings().maxMediaBytes()).orElse(Long.MAX_VALUE);
        ChannelCapabilities.Builder b = ChannelCapabilities.builder().richText(ChannelCapabilities.RichText.PLAIN)
                .readReceipts(true);
        switch (product) {
            case WHATSAPP -> b.text(WhatsAppSender.TEXT_MAX, ChannelCapabilities.TextUnit.UTF16_UNITS)
                    .maxTextWithButtons(WhatsAppSender.INTERACTIVE_BODY_MAX)
                    .buttons(WhatsAppSender.MAX_ROWS, WhatsAppSender.BUTTON_TITLE_MAX).templates(true);
            case MESSENGER -> b.text(MessagingSender.MESSENGER_TEXT_MAX, ChannelCapabilities.TextUnit.UTF16_UNITS)
                    .buttons(MessagingSender.MAX_QUICK_REPLIES, MessagingSender.QUICK_REPLY_TITLE_MAX);
            case INSTAGRAM -> b.text(MessagingSender.INSTAGRAM_TEXT_MAX_BYTES, ChannelCapabilities.TextUnit.UTF8_BYTES)
                    .buttons(MessagingSender.MAX_QUICK_REPLIES, MessagingSender.QUICK_REPLY_TITLE_MAX)
                    .mediaSource(ChannelCapabilities.MediaSource.URL_ONLY);
        }
        MediaRules.declare(product, cap, b);
        return b.build();
    }

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = running();
        Message message = outbound.customerFacing();
        Conversation conversation = outbound.conversation();
        String recipient = conversation != null ? conversation.threadKey() : message.threadKey();
        if (recipient == null || !recipient.matches("[0-9]{1,32}")) {
            throw DeliveryException.permanent("thread key is not a " + (product == Product.WHATSAPP
                    ? "WhatsApp id (wa_id)" : "page-scoped user id"));
        }
        String text = message.text() == null ? "" : message.text().strip();
        List<Choice> choices = Choices.of(message);
        if (!choices.isEmpty() && (text.isEmpty() || !(product == Product.WHATSAPP
                ? WhatsAppSender.fitInteractive(choices) : MessagingSender.fitQuickReplies(choices)))) {
            // Buttons need a text to ride on and ids the product carries; otherwise the options become numbers.
            text = Choices.numbered(text, choices).strip();
            choices = List.of();
        }
        if (text.isEmpty() && message.attachments().isEmpty()) {
            throw DeliveryException.permanent("nothing to send: the reply has no text and no attachments");
        }
        Instant last = conversation == null ? null : lastInbound(r.context(), conversation.id());
        Duration age = last == null ? null : Duration.between(last, clock.instant());
        boolean inWindow = age != null && age.compareTo(WINDOW) <= 0;
        String lastText = last == null ? "no customer message on record" : "last customer message " + last;
        MediaPreparer media = new MediaPreparer(product, r.context().attachments(), r.settings().maxMediaBytes());
        try {
            // Meta's send APIs take no idempotency key: a reply of several messages remembers how far it got.
            IntFunction<SentParts> progress = parts -> SentParts.resume(r.context(), outbound.idempotencyKey(), parts);
            if (product == Product.WHATSAPP) {
                WhatsAppSender wa = new WhatsAppSender(r.api(), r.settings().accountId());
                if (!inWindow) {
                    throw templateInstead(r, wa, recipient, conversation, last, lastText);
                }
                return wa.reply(recipient, text, message.replyTo(), media.prepare(message.attachments()), choices,
                        message.language(), progress);
            }
            boolean tagged = !inWindow && humanAgentTagAllowed(r.settings(), age, lastText);
            return new MessagingSender(r.api(), product, r.settings().sendAccount(), r.settings().accountId())
                    .reply(recipient, text, tagged, media.prepare(message.attachments()), choices, progress);
        } catch (GraphException e) {
            throw classify(r, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while sending", null);
        }
    }

    /**
     * Outside the window WhatsApp takes no free-form message, so the reply (text and files alike) is not delivered.
     * With {@code templateName} the approved template goes out to invite the customer to write back; either way the
     * reply fails for good with a reason that says so, the hub dead-letters it and the desk gets its internal note
     * that the reply was not delivered. Once the customer writes back, the reply can be replayed or sent again.
     */
    private DeliveryException templateInstead(Running r, WhatsAppSender wa, String to, Conversation conversation,
                                              Instant last, String lastText)
            throws GraphException, InterruptedException {
        MetaSettings s = r.settings();
        String outside = "not sent: outside WhatsApp's 24-hour customer service window (" + lastText + ")";
        if (s.templateName() == null) {
            return DeliveryException.unreachable(outside + "; configure templateName to send an approved template");
        }
        // One invitation is enough: further replies before the customer answers do not send the template again.
        String key = conversation == null ? null : TEMPLATE_SENT + conversation.id();
        Instant sentAt = key == null ? null : r.context().offset(key).map(MetaConnector::instant).orElse(null);
        if (sentAt != null && (last == null || sentAt.isAfter(last))
                && Duration.between(sentAt, clock.instant()).compareTo(WINDOW) <= 0) {
            return DeliveryException.unreachable(outside + "; the re-engagement template '" + s.templateName()
                    + "' was already sent at " + sentAt + "; replay the reply once the customer has written back");
        }
        String id = wa.template(to, s.templateName(), s.templateLanguage());
        LOG.info("{}: outside the 24-hour window; the reply is not delivered, template {} sent instead",
                r.context().instanceId(), s.templateName());
        if (key != null) {
            r.context().submit(Inbound.none().withOffsets(Map.of(key, clock.instant().toString())))
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            LOG.warn("{}: could not record that the template was sent: {}",
                                    r.context().instanceId(), e.toString());
                        }
                    });
        }
        return DeliveryException.unreachable(outside + "; the re-engagement template '" + s.templateName()
                + "' was sent instead (" + id + "); replay the reply once the customer has written back");
    }

    private static Instant instant(String saved) {
        try {
            return Instant.parse(saved);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Between 24 hours and 7 days Messenger and Instagram take a reply only with the HUMAN_AGENT tag. */
    private boolean humanAgentTagAllowed(MetaSettings s, Duration age, String lastText) throws DeliveryException {
        String name = product == Product.MESSENGER ? "Messenger" : "Instagram";
        if (!s.humanAgentTag()) {
            throw DeliveryException.unreachable("not sent: outside " + name + "'s 24-hour messaging window ("
                    + lastText + "); set humanAgentTag to answer with the HUMAN_AGENT tag within 7 days");
        }
        if (age == null || age.compareTo(HUMAN_AGENT_WINDOW) > 0) {
            throw DeliveryException.unreachable("not sent: outside the 7-day HUMAN_AGENT window (" + lastText + ")");
        }
        return true;
    }

    /** When the customer last wrote: the newest inbound message's channel timestamp, else when the hub got it. */
    static Instant lastInbound(ConnectorContext context, String conversationId) {
        Instant last = null;
        for (Message m : context.recentMessages(conversationId, 50)) {
            if (m.direction() != Direction.INBOUND) {
                continue;
            }
            Instant at = m.channelTimestamp() != null ? m.channelTimestamp() : m.receivedAt();
            if (at != null && (last == null || at.isAfter(last))) {
                last = at;
            }
        }
        return last;
    }

    private DeliveryException classify(Running r, GraphException e) {
        String msg = r.api().scrub(Objects.requireNonNullElse(e.getMessage(), "Graph API error"));
        Integer code = e.code;
        if (code != null && code == EXPIRED_TOKEN) {
            r.context().reportProblem("the access token is invalid or expired (Graph error 190); replace accessToken");
            return DeliveryException.retryable(msg, null);
        }
        if (code != null && RATE_LIMITS.contains(code)) {
            return e.retryAfter != null ? DeliveryException.retryAfter("rate limited: " + msg, e.retryAfter)
                    : DeliveryException.retryable("rate limited: " + msg, null);
        }
        if (code != null && CUSTOMER_UNREACHABLE.contains(code)) {
            return DeliveryException.unreachable(msg);
        }
        if (code != null && PERMANENT.contains(code)) {
            return DeliveryException.permanent(msg);
        }
        if (e.status == 0) {
            return DeliveryException.retryable(msg, null);
        }
        if (e.status == 200) {
            return DeliveryException.permanent(msg);
        }
        boolean retryable = e.status == 408 || e.status == 425 || e.status == 429 || e.status >= 500;
        if (retryable) {
            return e.retryAfter != null ? DeliveryException.retryAfter(msg, e.retryAfter)
                    : DeliveryException.retryable(msg, null);
        }
        return DeliveryException.permanent(msg);
    }
}
