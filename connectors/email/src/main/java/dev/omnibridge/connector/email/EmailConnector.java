package dev.omnibridge.connector.email;

import dev.omnibridge.connector.email.EmailSettings.Auth;
import dev.omnibridge.connector.email.auth.MailLogin;
import dev.omnibridge.connector.email.auth.MailLogins;
import dev.omnibridge.connector.email.imap.MailServer;
import dev.omnibridge.connector.email.imap.MailboxSource;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An email instance: one polled source per IMAP folder brings mail in (the hub runs them, issue 24); agents' replies
 * go out by SMTP.
 */
final class EmailConnector extends ConnectorBase<EmailConnector.Running> implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(EmailConnector.class);
    /** How much of a conversation a reply looks at for its threading headers and subject. */
    private static final int HISTORY = 30;

    /**
     * Everything {@link #open} sets up; the folders' sources are added as they start (their importer needs the rest).
     *
     * @param countAndStore held from counting an acknowledgement until the mail carrying the count is stored or known
     *                      not stored
     */
    record Running(ConnectorContext context, EmailSettings settings, MailImporter importer, ReplyComposer composer,
                   MailSender sender, AcknowledgementCap ackCap, Semaphore countAndStore,
                   List<MailboxSource> sources) {
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
                new AcknowledgementCap(settings.maxAcknowledgementsPerDay(), clock, ctx::offset), new Semaphore(1),
                new CopyOnWriteArrayList<>());
        Duration idle = settings.pollInterval().compareTo(Duration.ofMinutes(20)) > 0 ? Duration.ofMinutes(20)
                : settings.pollInterval();
        MailServer server = new MailServer(imap.host(), imap.port(), imap.security().name().toLowerCase(java.util.Locale.ROOT),
                imapLogin, idle.plusMinutes(2));
        Set<String> names = new HashSet<>();
        for (String folder : settings.folders()) {
            MailboxSource source = new MailboxSource(folder, server,
                    (sourceId, raw, size) -> importMail(r, sourceId, raw, size), settings.doneAction(),
                    settings.doneFolder(), settings.maxMailBytes(), settings.pollInterval(), settings.idle());
            r.sources().add(source);
            poll(ctx, sourceName(folder, names), source, source.schedule());
        }
        LOG.info("Email instance {}: importing {} from {}, replying as {} through {}, login by {}", ctx.instanceId(),
                settings.folders(), imap, Redact.email(settings.fromAddress()), settings.smtp(),
                settings.auth().setting());
        return r;
    }

    /** A polled source's name (thread names, {@code /health}): the folder's in plain characters, unique. */
    static String sourceName(String folder, Set<String> taken) {
        String plain = folder.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = ("imap-" + plain.toLowerCase(Locale.ROOT));
        name = name.substring(0, Math.min(name.length(), 56));
        String unique = name;
        for (int i = 2; !taken.add(unique); i++) {
            unique = name + "-" + i;
        }
        return unique;
    }

    /** The folders' sources are stopped by now (a result being stored is stored and its mail marked). */
    @Override
    protected void close(Running r) throws Exception {
        r.sources().forEach(MailboxSource::close);
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

    /**
     * A mail as the hub stores it. A new conversation to acknowledge is counted against the sender's daily cap here,
     * its count stored with the mail (one transaction), and acknowledged only once the mail is stored. Counting
     * and storing hold {@link Running#countAndStore}, so that two folders (two polling threads) cannot save a count
     * bucket out of order; a mail not stored (a failed store) gives it back when its folder polls again.
     */
    private static MailboxSource.Imported importMail(Running r, String sourceId, byte[] raw, long size)
            throws Exception {
        ConnectorContext context = r.context();
        MailImporter importer = r.importer();
        AcknowledgementCap ackCap = r.ackCap();
        Semaphore countAndStore = r.countAndStore();
        MailImporter.Imported imported;
        if (raw == null) {
            imported = importer.tooLarge(sourceId, size);
        } else {
            try {
                imported = importer.importMail(sourceId, raw);
            } catch (RuntimeException bug) {
                // A poison mail must not stop the mailbox: set it aside for an operator and go on.
                LOG.error("Email instance {}: mail {} could not be processed", context.instanceId(), sourceId, bug);
                imported = new MailImporter.Imported(Inbound.skipped(Skipped.deadLetter(sourceId,
                        "could not be processed: " + bug.getClass().getSimpleName(), null)), null);
            }
        }
        MailImporter.NewConversation opened = imported.newCustomer();
        if (opened == null || !r.settings().acknowledge()) {
            return new MailboxSource.Imported(imported.inbound(), null);
        }
        countAndStore.acquire();
        Runnable release = once(countAndStore::release);
        AcknowledgementCap.Count count;
        try {
            count = ackCap.count(opened.customer().value());
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        if (count.offsets().isEmpty()) {
            release.run();   // nothing saved: nothing to keep in order
        }
        Inbound inbound = count.offsets().isEmpty() ? imported.inbound()
                : imported.inbound().withOffsets(count.offsets());
        return new MailboxSource.Imported(inbound, () -> {
            release.run();
            if (count.allowed()) {
                acknowledge(r, opened);
            } else {
                LOG.info("Email instance {}: new conversation {} from {} imported but not acknowledged: {}",
                        context.instanceId(), opened.token(), Redact.email(opened.customer().value()),
                        count.full() ? "too many senders today to count this one" : "it had " + ackCap.perDay()
                                + " acknowledgement(s) today (maxAcknowledgementsPerDay)");
            }
        }, release);
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
    }
}
