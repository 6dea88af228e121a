package dev.omnibridge.connector.twilio;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One {@code twilio-sms} instance.
 * <ul>
 *   <li>{@code POST /hooks/<id>}: an inbound SMS/MMS/WhatsApp message, signed by Twilio; answered with empty TwiML
 *       once the hub has stored it.</li>
 *   <li>{@code POST /hooks/<id>/status}: a status callback for a message this instance sent.</li>
 *   <li>{@link #send}: a reply through the Messages API, from the conversation's business number or the Messaging
 *       Service, with the status callback URL.</li>
 * </ul>
 */
final class TwilioConnector extends ConnectorBase<TwilioConnector.Running> implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TwilioConnector.class);
    static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    /** Everything {@link #open} sets up; replaced as a whole so concurrent callers see one consistent state. */
    record Running(ConnectorContext context, TwilioSettings settings, TwilioSignatureValidator signatures,
                           InboundSmsParser inbound, StatusCallbackParser statuses, TwilioMessagesClient messages,
                           FileRetries retries) {
    }

    /** Twilio retries a webhook once; a media retry whose message is still not stored after an hour is dropped. */
    static final java.time.Duration UNSTORED_GIVE_UP = java.time.Duration.ofHours(1);

    static final ChannelCapabilities CAPABILITIES = ChannelCapabilities.builder()
            .text(1600, ChannelCapabilities.TextUnit.SMS_CHARACTERS).build();

    /** Test seam: authorities the media fetcher treats as public hosts (see {@link MediaFetcher}). */
    private final Set<String> mediaTrustedForTests;

    TwilioConnector() {
        this(Set.of());
    }

    TwilioConnector(Set<String> mediaTrustedForTests) {
        this.mediaTrustedForTests = mediaTrustedForTests;
    }

    @Override
    protected Running open(ConnectorContext context) {
        TwilioSettings settings = TwilioSettings.from(context.settings(), context.webhookUrl());
        ChannelRef channel = new ChannelRef(TwilioType.NAME, context.instanceId());
        MediaFetcher media = new MediaFetcher(settings, context.attachments(), mediaTrustedForTests);
        TwilioMessagesClient messages = new TwilioMessagesClient(context, settings);
        InboundSmsParser parser = new InboundSmsParser(channel, media);
        FileRetries retries = new FileRetries(context, channel, "media", settings.mediaRetries(),
                settings.mediaRetryDelay(), UNSTORED_GIVE_UP, java.time.Clock.systemUTC(), parser::again);
        Running r = new Running(context, settings, new TwilioSignatureValidator(settings.authToken().reveal()),
                parser, new StatusCallbackParser(), messages, retries);
        retries.resume();
        if (settings.allowPrivateMediaAddresses()) {
            LOG.warn("{}: allowPrivateMediaAddresses is on: media downloads may reach loopback and private "
                    + "addresses. Use this only in tests.", context.instanceId());
        }
        LOG.info("{}: twilio-sms started for account {}; Twilio must post to {} (status callbacks: {})",
                context.instanceId(), settings.accountSid(), settings.signedUrl(""), settings.statusCallbackUrl());
        return r;
    }

    @Override
    protected void close(Running was) {
        was.messages().close();
        was.retries().stop();
        LOG.info("{}: twilio-sms stopped", was.context().instanceId());
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        String instance = r.context().instanceId();
        try {
            // The signature comes first, before the method, the path or the body are looked at.
            TwilioSignatureValidator.Verified verified = r.signatures().verify(request,
                    r.settings().signedUrl(request.subPath()));
            if (!"POST".equals(request.method())) {
                throw new WebhookRejectedException(405, "method " + request.method()
                        + " not allowed; configure the webhook with HTTP POST");
            }
            return switch (request.subPath()) {
                case "" -> inboundMessage(r, verified.params());
                case TwilioSettings.STATUS_PATH -> statusCallback(r, verified.params());
                default -> throw new WebhookRejectedException(404, "no such hook; Twilio posts messages to the "
                        + "instance's hook and status callbacks to its /status");
            };
        } catch (WebhookRejectedException e) {
            LOG.info("{}: rejected webhook from {} with {}: {}", instance, request.remoteAddress(), e.status(),
                    e.getMessage());
            throw e;
        }
    }

    private WebhookOutcome inboundMessage(Running r, FormParams params) {
        List<FileRetries.Job> failed = new ArrayList<>();
        Inbound inbound = r.inbound().parse(params, Instant.now(), r.retries().enabled(), failed);
        // A media item that failed for a passing reason is saved with the message and fetched again later.
        List<FileRetries.Job> pending = r.retries().firstFailures(failed);
        if (!pending.isEmpty()) {
            inbound = inbound.withOffsets(r.retries().offsetsFor(pending));
            pending.forEach(r.retries()::schedule);
        }
        if (LOG.isDebugEnabled()) {
            for (Message m : inbound.messages()) {
                LOG.debug("{}: message {} from {} ({} attachments)", r.context().instanceId(), m.channelMessageId(),
                        Redact.address(m.author().address()), m.attachments().size());
            }
        }
        for (AddressStatus s : inbound.addressStatuses()) {
            LOG.info("{}: {} {}", r.context().instanceId(), s.address(), s.reachable() ? "opted in" : "opted out");
        }
        return WebhookOutcome.store(inbound, twiml());
    }

    private WebhookOutcome statusCallback(Running r, FormParams params) {
        Inbound inbound = r.statuses().parse(params);
        LOG.debug("{}: status callback {}", r.context().instanceId(), inbound.statuses());
        return WebhookOutcome.store(inbound, twiml());
    }

    static WebhookResponse twiml() {
        return new WebhookResponse(200, "text/xml", EMPTY_TWIML.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A new SMS thread to a phone number, for a reply the hub sends here because the customer's own channel cannot
     * reach them. Only with a Messaging Service: without one the business number comes from the customer's own
     * thread, and a number the customer never wrote to must not be guessed.
     */
    @Override
    public String threadToStart(Address address, String suggestedKey) {
        Running r = current().orElse(null);
        if (r == null || address == null || address.kind() != AddressKind.PHONE
                || r.settings().messagingServiceSid() == null || !address.value().startsWith("+")) {
            return null;
        }
        return address.value() + "|" + r.settings().messagingServiceSid();
    }

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = running();
        Message message = outbound.customerFacing();
        Conversation conversation = outbound.conversation();
        String threadKey = conversation == null ? message.threadKey() : conversation.threadKey();
        int bar = threadKey == null ? -1 : threadKey.indexOf('|');
        if (bar <= 0 || bar == threadKey.length() - 1) {
            throw DeliveryException.permanent("thread key is not '<customer number>|<business number>'");
        }
        String customer = threadKey.substring(0, bar);
        String business = threadKey.substring(bar + 1);
        if (!message.attachments().isEmpty()) {
            // The hub names files in the text for channels that take none (capabilities()); Twilio would need a public
            // URL to fetch a file from, and the hub's storage has none.
            throw DeliveryException.permanent("not sent: this channel sends no files (" + message.attachments().size()
                    + " attached)");
        }
        String body = message.text() == null ? "" : message.text();
        if (body.isBlank()) {
            throw DeliveryException.permanent("nothing to send: the reply has no text");
        }
        TwilioSettings s = r.settings();
        TwilioMessagesClient.Outgoing outgoing = new TwilioMessagesClient.Outgoing(customer,
                s.messagingServiceSid() == null ? business : null, s.messagingServiceSid(), body,
                s.statusCallbackUrl());
        String sid = create(r, outgoing, customer);
        LOG.debug("{}: sent {} to {}", r.context().instanceId(), sid, Redact.phone(customer));
        return sid;
    }

    /**
     * What one Twilio message carries (the hub splits a longer reply into several sends, numbers reply options and
     * names files in the text before {@link #send}):
     * <ul>
     *   <li>a {@code Body} of at most 1,600 characters: Twilio refuses more with error 21617
     *       (https://www.twilio.com/docs/api/errors/21617; the Messages resource's {@code Body} "can be up to 1,600
     *       characters", https://www.twilio.com/docs/api/errors/21658) and counts characters outside GSM-7 as more
     *       than one, so they are counted as {@link ChannelCapabilities.TextUnit#SMS_CHARACTERS}: UTF-16 units, GSM-7
     *       extension characters twice, which never undercounts whichever encoding Twilio picks;</li>
     *   <li>no buttons (SMS has none), no files (MMS media must be at a public URL Twilio fetches), plain text.</li>
     * </ul>
     */
    @Override
    public ChannelCapabilities capabilities() {
        return CAPABILITIES;
    }

    private String create(Running r, TwilioMessagesClient.Outgoing outgoing, String customer) {
        try {
            return r.messages().create(outgoing);
        } catch (TwilioMessagesClient.Failed failed) {
            TwilioMessagesClient.Failure f = failed.failure();
            if (f.code() != null && f.code() == 21610) {
                // Twilio knows the customer replied STOP (perhaps before this hub saw it): record it, so the hub
                // refuses further replies itself.
                r.context().submit(Inbound.none().withAddressStatuses(List.of(AddressStatus.optedOut(
                                InboundSmsParser.address(customer), "Twilio 21610: recipient has opted out"))))
                        .whenComplete((ok, e) -> {
                            if (e != null) {
                                LOG.warn("{}: could not record the opt-out of {}: {}", r.context().instanceId(),
                                        Redact.phone(customer), e.toString());
                            }
                        });
            }
            if (f.status() == 401) {
                r.context().reportProblem("Twilio rejected the credentials (HTTP 401); check accountSid and "
                        + "authToken");
            }
            LOG.info("{}: sending to {} failed ({}): {}", r.context().instanceId(), Redact.phone(customer),
                    f.exception().kind(), f.exception().getMessage());
            DeliveryException e = f.exception();
            if (f.code() != null && TwilioMessagesClient.CANNOT_RECEIVE.contains(f.code())) {
                // Nothing wrong with the account: this customer cannot get SMS from it. The hub may answer them on
                // another of their verified addresses (identity.replyFallback). After a first part the hub keeps
                // it from repeating the sent parts elsewhere (OutboundAdapter).
                e = DeliveryException.unreachable(e.getMessage());
            }
            throw e;
        }
    }
}
