package dev.omnibridge.connector.email;

import dev.omnibridge.connector.email.EmailSettings.Auth;
import dev.omnibridge.connector.email.auth.MailLogin;
import dev.omnibridge.connector.email.auth.MailLogins;
import dev.omnibridge.connector.email.imap.MailServer;
import dev.omnibridge.connector.email.imap.MailboxWatcher;
import dev.omnibridge.connector.email.smtp.MailSender;
import dev.omnibridge.connector.email.smtp.ReplyComposer;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Message;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.Skipped;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** An email instance: one watcher per IMAP folder brings mail in; agents' replies go out by SMTP. */
final class EmailConnector extends ConnectorBase<EmailConnector.Running> implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(EmailConnector.class);
    /** How much of a conversation a reply looks at for its threading headers and subject. */
    private static final int HISTORY = 30;

    /** Everything {@link #open} sets up; the watchers are added as they start (their sinks need the rest). */
    record Running(ConnectorContext context, EmailSettings settings, MailImporter importer, ReplyComposer composer,
                   MailSender sender, AcknowledgementCap ackCap, List<MailboxWatcher> watchers) {
    }

    private final Clock clock;

    EmailConnector() {
        this(Clock.systemUTC());
    }

    /** @param clock for token expiry and the acknowledgement cap's day; tests move it */
    EmailConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected Running open(ConnectorContext ctx) {
        EmailSettings settings = EmailSettings.from(ctx.settings());
        EmailSettings.Server imap = settings.imap();
        MailLogin imapLogin = MailLogins.of(settings, imap, clock);
        // One login, one token cache, when IMAP and SMTP log in as the same mailbox.
        MailLogin smtpLogin = settings.smtp().username().equals(imap.username()) && settings.auth() != Auth.PASSWORD
                ? imapLogin : MailLogins.of(settings, settings.smtp(), clock);
        Running r = new Running(ctx, settings, new MailImporter(ctx, settings),
                new ReplyComposer(settings, ctx.instanceId(), ctx.attachments()),
                new MailSender(ctx, settings.smtp(), smtpLogin),
                new AcknowledgementCap(settings.maxAcknowledgementsPerDay(), clock, ctx::offset),
                new java.util.concurrent.CopyOnWriteArrayList<>());
        Duration idle = settings.pollInterval().compareTo(Duration.ofMinutes(20)) > 0 ? Duration.ofMinutes(20)
                : settings.pollInterval();
        MailServer server = new MailServer(imap.host(), imap.port(), imap.security().name().toLowerCase(java.util.Locale.ROOT),
                imapLogin, idle.plusMinutes(2));
        for (String folder : settings.folders()) {
            MailboxWatcher watcher = new MailboxWatcher(folder, server, new Sink(r), settings.doneAction(),
                    settings.doneFolder(), settings.maxMailBytes(), settings.pollInterval(), settings.idle());
            r.watchers().add(watcher);
            watcher.start("email-" + ctx.instanceId() + "-" + folder);
        }
        LOG.info("Email instance {}: importing {} from {}, replying as {} through {}, login by {}", ctx.instanceId(),
                settings.folders(), imap, Redact.email(settings.fromAddress()), settings.smtp(),
                settings.auth().setting());
        return r;
    }

    @Override
    protected void close(Running r) throws Exception {
        for (MailboxWatcher watcher : r.watchers()) {
            watcher.stop();
        }
        r.sender().close();
    }

    /**
     * A new mail thread to an email address, named by the hub's key: the key goes into the subject as the thread token,
     * so the customer's answer threads into a conversation like any other mail reply.
     */
    @Override
    public String threadToStart(dev.omnibridge.model.Address address, String suggestedKey) {
        return address != null && address.kind() == AddressKind.EMAIL && suggestedKey != null
                && !suggestedKey.isBlank() ? suggestedKey : null;
    }

    @Override
    public String send(OutboundMessage outbound) {
        Running r = running();
        if (outbound.conversation().customer() == null
                || outbound.conversation().customer().kind() != AddressKind.EMAIL) {
            throw DeliveryException.permanent("the conversation has no customer email address to reply to");
        }
        List<Message> history;
        try {
            history = r.context().recentMessages(outbound.conversation().id(), HISTORY);
        } catch (IllegalStateException e) {
            throw DeliveryException.retryable("reading the conversation failed: " + e.getMessage(), e);
        }
        try {
            r.sender().send(r.composer().reply(outbound, history));
        } catch (MessagingException | IOException e) {
            throw DeliveryException.retryable("composing the reply failed: " + e.getMessage(), e);
        }
        return r.composer().messageIdFor(outbound);
    }

    /**
     * What a reply mail carries: text of any length, HTML alongside it, any file from the hub's storage as a MIME
     * attachment (a file only at a URL goes as a link in the text, which the hub writes), no buttons (reply options
     * arrive numbered in the text). The SMTP server's own size limit is not known here: a mail it refuses fails the
     * delivery with its answer.
     */
    @Override
    public ChannelCapabilities capabilities() {
        return CAPABILITIES;
    }

    static final ChannelCapabilities CAPABILITIES = ChannelCapabilities.builder()
            .richText(ChannelCapabilities.RichText.HTML).media("*/*", 0)
            .mediaSource(ChannelCapabilities.MediaSource.STORED_ONLY).build();

    private static void acknowledge(Running r, MailImporter.NewConversation opened) {
        ConnectorContext context = r.context();
        try {
            r.sender().send(r.composer().acknowledgement(opened.customer().value(), opened.name(), opened.token(),
                    opened.messageId()));
            LOG.info("Email instance {}: acknowledged new conversation {} to {}", context.instanceId(),
                    opened.token(), opened.customer());
        } catch (RuntimeException | MessagingException | IOException e) {
            // At most once: the customer's mail is safely stored; a missing acknowledgement is not worth a retry loop.
            LOG.warn("Email instance {}: acknowledgement for {} not sent: {}", context.instanceId(), opened.token(),
                    Redact.text(e.getMessage()));
        }
    }

    /** A new conversation waiting to be stored; whether it is acknowledged is decided as it is stored. */
    private static final class PendingAcknowledgement {
        private final Running r;
        private final MailImporter.NewConversation opened;
        private volatile boolean allowed;

        PendingAcknowledgement(Running r, MailImporter.NewConversation opened) {
            this.r = r;
            this.opened = opened;
        }

        void sendIfAllowed() {
            if (allowed) {
                acknowledge(r, opened);
            }
        }
    }

    /** The watchers' view of the hub. */
    private static final class Sink implements MailboxWatcher.Sink {
        /** The acknowledgement of the mail between importMail and store (one Sink per folder), by Message-ID. */
        private final Map<String, PendingAcknowledgement> pending = new ConcurrentHashMap<>();
        private final Running r;
        private final ConnectorContext context;
        private final MailImporter importer;
        private final AcknowledgementCap ackCap;

        Sink(Running r) {
            this.r = r;
            this.context = r.context();
            this.importer = r.importer();
            this.ackCap = r.ackCap();
        }

        @Override
        public MailboxWatcher.Imported importMail(String sourceId, byte[] raw, long size) throws IOException {
            MailImporter.Imported imported;
            if (raw == null) {
                imported = importer.tooLarge(sourceId, size);
            } else {
                try {
                    imported = importer.importMail(sourceId, raw);
                } catch (RuntimeException bug) {
                    // A poison mail must not stop the mailbox: set it aside for an operator and go on.
                    LOG.error("Email instance {}: mail {} could not be processed", context.instanceId(), sourceId,
                            bug);
                    imported = new MailImporter.Imported(Inbound.skipped(Skipped.deadLetter(sourceId,
                            "could not be processed: " + bug.getClass().getSimpleName(), null)), null);
                }
            }
            MailImporter.NewConversation opened = imported.newCustomer();
            if (opened == null || !r.settings().acknowledge()) {
                return new MailboxWatcher.Imported(imported.inbound(), null);
            }
            PendingAcknowledgement ack = new PendingAcknowledgement(r, opened);
            pending.put(opened.messageId(), ack);
            return new MailboxWatcher.Imported(imported.inbound(), ack::sendIfAllowed);
        }

        @Override
        public void store(Inbound inbound, String offsetKey, String offsetValue) throws Exception {
            PendingAcknowledgement ack = inbound.messages().size() == 1
                    ? pending.remove(inbound.messages().get(0).channelMessageId()) : null;
            if (ack == null) {
                submit(inbound, Map.of(offsetKey, offsetValue));
                return;
            }
            AcknowledgementCap.Count count;
            // Count and store under one lock, so two folders cannot save a cap bucket out of order; submits of
            // mails without an acknowledgement do not wait for it.
            synchronized (ackCap) {
                count = ackCap.count(ack.opened.customer().value());
                Map<String, String> offsets = new HashMap<>(count.offsets());
                offsets.put(offsetKey, offsetValue);
                submit(inbound, offsets);
            }
            ack.allowed = count.allowed();
            if (!count.allowed()) {
                LOG.info("Email instance {}: new conversation {} from {} imported but not acknowledged: {}",
                        context.instanceId(), ack.opened.token(), Redact.email(ack.opened.customer().value()),
                        count.full() ? "too many senders today to count this one" : "it had " + ackCap.perDay()
                                + " acknowledgement(s) today (maxAcknowledgementsPerDay)");
            }
        }

        private void submit(Inbound inbound, Map<String, String> offsets) throws Exception {
            context.submit(inbound.withOffsets(offsets)).toCompletableFuture().get(2, TimeUnit.MINUTES);
        }

        @Override
        public Optional<String> offset(String key) {
            return context.offset(key);
        }

        @Override
        public void problem(String message) {
            context.reportProblem(message);
        }

        @Override
        public void recovered() {
            context.problemResolved();
        }
    }
}
