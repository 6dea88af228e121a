package dev.omnibridge.connector.email.imap;

import dev.omnibridge.connector.email.EmailSettings.DoneAction;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollRequest;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.NotTerm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One IMAP folder as a source the hub polls (issue 24): each {@link #poll} stores at most one mail, the one after
 * the stored folder position, together with the next position (one transaction); the mail is marked done in the
 * mailbox only once the hub stored it ({@link PollResult#stored()}). With nothing new, the poll waits in IDLE (up to
 * the poll interval) and returns to be called again at once, so mail arrives with IDLE's push latency; a server
 * without IDLE is polled at the schedule's interval. The IMAP connection stays open across polls; a failed poll drops
 * it and the next one connects again after the hub's backoff. {@code \Seen} is never the import marker: people read
 * the mailbox too.
 *
 * <p>An IDLE does not end on a thread interrupt: {@link #wakeup()} (the hub calls it when stopping) ends it through
 * the folder, and drops a connection that does not answer.
 */
public final class MailboxSource implements PolledSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxSource.class);
    static final String DONE_KEYWORD = "$Omnibridge";
    private static final Duration MAX_IDLE = Duration.ofMinutes(20);
    /** How long a stopping IDLE may take to end through the folder before the connection is dropped. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(5);

    /** Turns a mail into what to store, so the source can be tested without a connector. */
    public interface Importer {
        /**
         * @param raw the mail's bytes; {@code null} for a mail over the size limit
         * @return what to store (its offsets are stored with it) and what to do once it is
         */
        Imported importMail(String sourceId, byte[] raw, long size) throws Exception;
    }

    /**
     * @param afterStore  run once the mail is stored and marked (e.g. send an acknowledgement); may be null
     * @param ifNotStored run when it is known that the mail was not stored: the hub polls again without having
     *                    stored it (a failed store), or the source closes first; may be null
     */
    public record Imported(Inbound inbound, Runnable afterStore, Runnable ifNotStored) {
        public Imported(Inbound inbound, Runnable afterStore) {
            this(inbound, afterStore, null);
        }
    }

    private final String folderName;
    private final MailServer server;
    private final Importer importer;
    private final DoneAction doneAction;
    private final String doneFolder;
    private final long maxMailBytes;
    private final Duration pollInterval;
    private final boolean useIdle;
    private final Object idleLock = new Object();
    private volatile boolean stopping;
    private volatile Store connected;
    private volatile Folder open;
    private volatile boolean idling;
    private Instant relogin;
    /** What to run if the last result turns out not stored: the hub polls again only after storing a result. */
    private volatile Runnable unconfirmed;

    public MailboxSource(String folderName, MailServer server, Importer importer, DoneAction doneAction,
                         String doneFolder, long maxMailBytes, Duration pollInterval, boolean useIdle) {
        this.folderName = folderName;
        this.server = server;
        this.importer = importer;
        this.doneAction = doneAction;
        this.doneFolder = doneFolder;
        this.maxMailBytes = maxMailBytes;
        this.pollInterval = pollInterval;
        this.useIdle = useIdle;
    }

    /** The offset the folder position is stored under. */
    public String offsetKey() {
        return FolderPosition.key(folderName);
    }

    /**
     * How the hub polls the folder: at the poll interval when nothing is new and the server has no IDLE; after a
     * failure (a refused login, a server gone) from a second, doubling, up to five minutes.
     */
    public PollSchedule schedule() {
        return PollSchedule.builder().interval(pollInterval).initialDelay(Duration.ZERO)
                .backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)).offsetKeys(offsetKey()).build();
    }

    @Override
    public PollResult poll(PollRequest request) throws Exception {
        notStored();
        try {
            boolean fresh = false;
            if (open != null && (!open.isOpen() || !Instant.now().isBefore(relogin))) {
                // An OAuth session outliving its token may be ended by the server (Exchange Online does): log in
                // again, with a new token, before that happens.
                LOG.debug("IMAP folder {}: connecting again", folderName);
                close();
            }
            if (open == null) {
                connect();
                fresh = true;
            }
            Optional<FolderPosition> stored = FolderPosition.parse(request.offset(offsetKey()).orElse(null));
            Optional<PollResult> next = importNext(stored, fresh);
            if (next.isPresent() || stopping) {
                return next.orElse(PollResult.nothing());
            }
            if (fresh) {
                // Report the folder open (a problem shown resolves) before waiting: poll again at once, then wait.
                return PollResult.builder().pollAgainNow().build();
            }
            return waitForMail();
        } catch (InterruptedException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            if (stopping) {
                return PollResult.nothing();
            }
            LOG.debug("IMAP failure detail", e);
            throw PollException.retryable("IMAP folder " + folderName + " on " + server + ": " + describe(e), e);
        }
    }

    private void connect() throws MessagingException {
        Store store = server.connect();
        connected = store;
        Folder folder = store.getFolder(folderName);
        folder.open(Folder.READ_WRITE);
        open = folder;
        relogin = server.reloginAt();
        LOG.info("Watching IMAP folder {} on {} ({})", folderName, server, waitMode(store));
    }

    /** The next mail after the stored position, as a result marking it done once stored; empty when none. */
    private Optional<PollResult> importNext(Optional<FolderPosition> stored, boolean reconcile) throws Exception {
        Store store = connected;
        Folder folder = open;
        UIDFolder uids = (UIDFolder) folder;
        long uidValidity = uids.getUIDValidity();
        long last = 0;
        if (stored.isPresent() && stored.get().uidValidity() == uidValidity) {
            last = stored.get().lastUid();
            if (reconcile) {
                finishMarking(store, folder, last);
            }
        } else if (stored.isPresent() && reconcile) {
            // The server renumbered the folder: UIDs mean nothing now. Rescan all; stored mail is recognised by its
            // Message-ID and content (MailImporter).
            LOG.warn("IMAP folder {}: UIDVALIDITY changed from {} to {}; rescanning, already imported mail is "
                    + "recognised by Message-ID and content", folderName, stored.get().uidValidity(), uidValidity);
        }
        Message[] found = uids.getMessagesByUID(last + 1, UIDFolder.MAXUID);
        FetchProfile uidOnly = new FetchProfile();
        uidOnly.add(UIDFolder.FetchProfileItem.UID);
        folder.fetch(found, uidOnly);
        Message mail = null;
        long uid = Long.MAX_VALUE;
        for (Message m : found) {
            long u = uids.getUID(m);
            // "n:*" always returns the newest mail, even when its UID is below n
            if (u > last && u < uid) {
                mail = m;
                uid = u;
            }
        }
        if (mail == null) {
            return Optional.empty();
        }
        String sourceId = "imap:" + folderName + ":" + uidValidity + ":" + uid;
        int size = mail.getSize();
        Imported imported = size > maxMailBytes ? importer.importMail(sourceId, null, size)
                : importer.importMail(sourceId, fetch(mail), size);
        Message done = mail;
        unconfirmed = imported.ifNotStored();
        return Optional.of(PollResult.builder().inbound(imported.inbound())
                .offset(offsetKey(), new FolderPosition(uidValidity, uid).format())
                .describedAs("mail " + sourceId)
                .onStored(() -> afterStore(store, folder, done, imported.afterStore()))
                .pollAgainNow().build());
    }

    /**
     * Marks the stored mail done; a failure here leaves it for the next connection's reconciliation (the position
     * is stored), never imports it twice.
     */
    private void afterStore(Store store, Folder folder, Message mail, Runnable then) {
        unconfirmed = null;
        try {
            markDone(store, folder, new Message[]{mail});
        } catch (MessagingException | RuntimeException e) {
            LOG.warn("IMAP folder {}: marking a stored mail done failed ({}); done when the folder opens again",
                    folderName, e.getClass().getSimpleName());
            close();
        }
        if (then != null) {
            then.run();
        }
    }

    private static byte[] fetch(Message mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, mail.getSize()));
        mail.writeTo(out);
        return out.toByteArray();
    }

    private static long uid(UIDFolder folder, Message m) {
        try {
            return folder.getUID(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After a crash between storing and marking, the stored mails up to the position still need their mark. */
    private void finishMarking(Store store, Folder folder, long last) throws MessagingException {
        if (doneAction == DoneAction.NONE || last == 0) {
            return;
        }
        Message[] candidates = doneAction == DoneAction.FLAG
                ? folder.search(new NotTerm(new FlagTerm(doneFlags(folder), true)))
                : ((UIDFolder) folder).getMessagesByUID(1, last);
        UIDFolder uids = (UIDFolder) folder;
        Message[] unmarked = Arrays.stream(candidates).filter(m -> uid(uids, m) <= last).toArray(Message[]::new);
        if (unmarked.length > 0) {
            LOG.info("IMAP folder {}: marking {} already imported mail(s) done", folderName, unmarked.length);
            markDone(store, folder, unmarked);
        }
    }

    private void markDone(Store store, Folder folder, Message[] mails) throws MessagingException {
        switch (doneAction) {
            case FLAG -> folder.setFlags(mails, doneFlags(folder), true);
            case MOVE -> server.move(store, folder, mails, doneFolder);
            case NONE -> {
            }
        }
    }

    /** The $Omnibridge keyword, or \Seen on a server that keeps no keywords (import still goes by UID). */
    private static Flags doneFlags(Folder folder) {
        Flags permanent = folder.getPermanentFlags();
        return permanent != null && permanent.contains(Flags.Flag.USER) ? new Flags(DONE_KEYWORD)
                : new Flags(Flags.Flag.SEEN);
    }

    /**
     * Nothing new: wait in IDLE for the server's first notification, then have the hub poll again at once. A timer
     * ends the IDLE anyway, so that a silent server or a dropped notification costs at most one poll interval (and a
     * token due for renewal no more than that). Without IDLE the hub waits the schedule's interval.
     */
    private PollResult waitForMail() throws Exception {
        Duration untilRelogin = Duration.between(Instant.now(), relogin);
        if (!useIdle || !supportsIdle(connected)) {
            return PollResult.builder().nextPollIn(shorter(pollInterval, untilRelogin)).build();
        }
        Duration limit = shorter(shorter(pollInterval, MAX_IDLE), untilRelogin);
        if (limit.compareTo(Duration.ofSeconds(1)) < 0) {
            // too short for an IDLE the timer could end before it began
            return PollResult.builder().nextPollIn(limit).build();
        }
        Folder folder = open;
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
                MailServer.abortIdle(folder);
            } catch (InterruptedException e) {
                // the IDLE ended first
            }
        }, Thread.currentThread().getName() + "-idle-timer");
        timer.setDaemon(true);
        synchronized (idleLock) {
            if (stopping) {
                return PollResult.nothing();
            }
            idling = true;
        }
        timer.start();
        try {
            server.idle(folder);
        } finally {
            synchronized (idleLock) {
                idling = false;
            }
            timer.interrupt();
        }
        return PollResult.builder().pollAgainNow().build();
    }

    /**
     * Ends an IDLE in progress: any command on the folder does; off the calling thread, since a dead server could
     * block it, and a connection that does not answer within a few seconds is dropped.
     */
    @Override
    public void wakeup() {
        Folder folder;
        synchronized (idleLock) {
            stopping = true;
            if (!idling) {
                return;
            }
            folder = open;
        }
        Store store = connected;
        Thread waker = new Thread(() -> {
            MailServer.abortIdle(folder);
            try {
                Thread.sleep(ABORT_GRACE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (idling && store != null) {
                closeQuietly(store);   // a server that does not answer: drop the connection so the poll ends
            }
        }, "imap-" + folderName + "-wakeup");
        waker.setDaemon(true);
        waker.start();
    }

    private void notStored() {
        Runnable r = unconfirmed;
        unconfirmed = null;
        if (r != null) {
            r.run();
        }
    }

    /**
     * Closes the connection (the next poll connects again), and settles a result the hub did not store; call only
     * when no poll runs, or from the poll.
     */
    @Override
    public void close() {
        notStored();
        Folder folder = open;
        Store store = connected;
        open = null;
        connected = null;
        if (folder != null && folder.isOpen()) {
            try {
                folder.close(false);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (store != null) {
            closeQuietly(store);
        }
    }

    private static void closeQuietly(Store store) {
        try {
            store.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private String waitMode(Store store) throws MessagingException {
        return useIdle && supportsIdle(store) ? "IDLE" : "polling every " + pollInterval.toSeconds() + "s";
    }

    private static Duration shorter(Duration a, Duration b) {
        Duration d = a.compareTo(b) <= 0 ? a : b;
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static boolean supportsIdle(Store store) throws MessagingException {
        return MailServer.hasCapability(store, "IDLE");
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
    }
}
