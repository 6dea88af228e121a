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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** An email instance: one watcher per IMAP folder brings mail in; agents' replies go out by SMTP. */
final class EmailConnector implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(EmailConnector.class);
    /** How much of a conversation a reply looks at for its threading headers and subject. */
    private static final int HISTORY = 30;

    private ConnectorContext context;
    private EmailSettings settings;
    private MailImporter importer;
    private ReplyComposer composer;
    private MailSender sender;
    private final List<MailboxWatcher> watchers = new ArrayList<>();
    private final Clock clock;
    private AcknowledgementCap ackCap;

    EmailConnector() {
        this(Clock.systemUTC());
    }

    /** @param clock for token expiry and the acknowledgement cap's day; tests move it */
    EmailConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void start(ConnectorContext ctx) {
        this.context = ctx;
        this.settings = EmailSettings.from(ctx.settings());
        this.importer = new MailImporter(ctx, settings);
        this.composer = new ReplyComposer(settings, ctx.instanceId(), ctx.attachments());
        this.ackCap = new AcknowledgementCap(settings.maxAcknowledgementsPerDay(), clock, ctx::offset);
        EmailSettings.Server imap = settings.imap();
        MailLogin imapLogin = MailLogins.of(settings, imap, clock);
        // One login, one token cache, when IMAP and SMTP log in as the same mailbox.
        MailLogin smtpLogin = settings.smtp().username().equals(imap.username()) && settings.auth() != Auth.PASSWORD
                ? imapLogin : MailLogins.of(settings, settings.smtp(), clock);
        this.sender = new MailSender(ctx, settings.smtp(), smtpLogin);
        Duration idle = settings.pollInterval().compareTo(Duration.ofMinutes(20)) > 0 ? Duration.ofMinutes(20)
                : settings.pollInterval();
        MailServer server = new MailServer(imap.host(), imap.port(), imap.security().name().toLowerCase(java.util.Locale.ROOT),
                imapLogin, idle.plusMinutes(2));
        for (String folder : settings.folders()) {
            MailboxWatcher watcher = new MailboxWatcher(folder, server, new Sink(), settings.doneAction(),
                    settings.doneFolder(), settings.maxMailBytes(), settings.pollInterval(), settings.idle());
            watchers.add(watcher);
            watcher.start("email-" + ctx.instanceId() + "-" + folder);
        }
        LOG.info("Email instance {}: importing {} from {}, replying as {} through {}, login by {}", ctx.instanceId(),
                settings.folders(), imap, Redact.email(settings.fromAddress()), settings.smtp(),
                settings.auth().setting());
    }

    @Override
    public void stop() throws Exception {
        for (MailboxWatcher watcher : watchers) {
            watcher.stop();
        }
        watchers.clear();
        if (sender != null) {
            sender.close();
        }
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
        if (outbound.conversation().customer() == null
                || outbound.conversation().customer().kind() != AddressKind.EMAIL) {
            throw DeliveryException.permanent("the conversation has no customer email address to reply to");
        }
        List<Message> history;
        try {
            history = context.recentMessages(outbound.conversation().id(), HISTORY);
        } catch (IllegalStateException e) {
            throw DeliveryException.retryable("reading the conversation failed: " + e.getMessage(), e);
        }
        try {
            sender.send(composer.reply(outbound, history));
        } catch (MessagingException | IOException e) {
            throw DeliveryException.retryable("composing the reply failed: " + e.getMessage(), e);
        }
        return composer.messageIdFor(outbound);
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

    private void acknowledge(MailImporter.NewConversation opened) {
        try {
            sender.send(composer.acknowledgement(opened.customer().value(), opened.name(), opened.token(),
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
    private final class PendingAcknowledgement {
        private final MailImporter.NewConversation opened;
        private volatile boolean allowed;

        PendingAcknowledgement(MailImporter.NewConversation opened) {
            this.opened = opened;
        }

        void sendIfAllowed() {
            if (allowed) {
                acknowledge(opened);
            }
        }
    }

    /** The watchers' view of the hub. */
    private final class Sink implements MailboxWatcher.Sink {
        /** The acknowledgement of the mail between importMail and store (one Sink per folder), by Message-ID. */
        private final Map<String, PendingAcknowledgement> pending = new ConcurrentHashMap<>();

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
            if (opened == null || !settings.acknowledge()) {
                return new MailboxWatcher.Imported(imported.inbound(), null);
            }
            PendingAcknowledgement ack = new PendingAcknowledgement(opened);
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
