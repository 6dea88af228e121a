package dev.omnibridge.connector.email.imap;

import dev.omnibridge.connector.email.EmailSettings.DoneAction;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollSchedule;
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
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Imports one IMAP folder: new mail by UID above the stored position, one mail per hub transaction, marked done
 * only after the hub stored it; then waits with IDLE (or sleeps a poll interval) and repeats. Reconnects with
 * backoff when the server goes away. {@code \Seen} is never the import marker: people read the mailbox too.
 */
public final class MailboxWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxWatcher.class);
    static final String DONE_KEYWORD = "$Omnibridge";
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration MAX_IDLE = Duration.ofMinutes(20);
    /**
     * Reconnects back off as the hub's polled sources do (issue 24): from a second, doubling, at most five minutes.
     * The watcher is not a {@code PolledSource} itself: it keeps its connection open across waits and waits with
     * IDLE, which only a call on the folder from another thread ends (see the plugin API's Polling section).
     */
    private static final PollSchedule RECONNECT = PollSchedule.builder()
            .backoff(Duration.ofSeconds(1), MAX_BACKOFF).build();

    /** What the watcher needs from the connector, so it can be tested without one. */
    public interface Sink {
        /** Turns a mail into what to store; a mail over the size limit gets {@code raw == null}. */
        Imported importMail(String sourceId, byte[] raw, long size) throws Exception;

        /** Stores it with the new folder position, in one transaction; returns when committed. */
        void store(Inbound inbound, String offsetKey, String offsetValue) throws Exception;

        Optional<String> offset(String key);

        void problem(String message);

        /** The folder is open again after a {@link #problem}. */
        default void recovered() {
        }
    }

    /** @param afterStore run once the mail is stored and marked (e.g. send an acknowledgement) */
    public record Imported(Inbound inbound, Runnable afterStore) {
    }

    private final String folderName;
    private final MailServer server;
    private final Sink sink;
    private final DoneAction doneAction;
    private final String doneFolder;
    private final long maxMailBytes;
    private final Duration pollInterval;
    private final boolean useIdle;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Folder open;
    private volatile Store connected;
    private volatile boolean running;
    private Thread thread;

    public MailboxWatcher(String folderName, MailServer server, Sink sink, DoneAction doneAction, String doneFolder,
                          long maxMailBytes, Duration pollInterval, boolean useIdle) {
        this.folderName = folderName;
        this.server = server;
        this.sink = sink;
        this.doneAction = doneAction;
        this.doneFolder = doneFolder;
        this.maxMailBytes = maxMailBytes;
        this.pollInterval = pollInterval;
        this.useIdle = useIdle;
    }

    public void start(String threadName) {
        running = true;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() throws InterruptedException {
        running = false;
        stopped.countDown();
        Folder folder = open;
        if (folder != null) {
            // Any call on the folder ends an IDLE in progress; off this thread, since a dead server could block it.
            Thread waker = new Thread(() -> abortIdle(folder), thread.getName() + "-stop");
            waker.setDaemon(true);
            waker.start();
        }
        thread.join(5_000);
        Store store = connected;
        if (thread.isAlive() && store != null) {
            // A server that does not answer: drop the connection so the thread can end.
            Thread closer = new Thread(() -> {
                try {
                    store.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }, thread.getName() + "-close");
            closer.setDaemon(true);
            closer.start();
            thread.join(5_000);
        }
    }

    private void run() {
        int failures = 0;
        while (running) {
            try (Store store = server.connect()) {
                connected = store;
                Folder folder = store.getFolder(folderName);
                folder.open(Folder.READ_WRITE);
                open = folder;
                try {
                    LOG.info("Watching IMAP folder {} on {} ({})", folderName, server, waitMode(store));
                    sink.recovered();
                    failures = 0;
                    // An OAuth session outliving its token may be ended by the server (Exchange Online does):
                    // log in again, with a new token, before that happens.
                    Instant relogin = server.reloginAt();
                    boolean first = true;
                    while (running && folder.isOpen()) {
                        importNew(store, folder, first);
                        first = false;
                        if (!Instant.now().isBefore(relogin)) {
                            LOG.debug("IMAP folder {}: logging in again with a renewed access token", folderName);
                            break;
                        }
                        waitForMail(store, folder, relogin);
                    }
                } finally {
                    open = null;
                    if (folder.isOpen()) {
                        folder.close(false);
                    }
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                failures++;
                Duration backoff = RECONNECT.backoffAfter(failures);
                String message = "IMAP folder " + folderName + " on " + server + ": " + describe(e)
                        + "; retrying in " + backoff.toSeconds() + "s";
                sink.problem(message);
                LOG.debug("IMAP failure detail", e);
                sleep(backoff);
            }
        }
    }

    private String waitMode(Store store) throws MessagingException {
        return useIdle && supportsIdle(store) ? "IDLE" : "polling every " + pollInterval.toSeconds() + "s";
    }

    void importNew(Store store, Folder folder, boolean reconcile) throws Exception {
        UIDFolder uids = (UIDFolder) folder;
        long uidValidity = uids.getUIDValidity();
        String key = FolderPosition.key(folderName);
        Optional<FolderPosition> stored = sink.offset(key).flatMap(FolderPosition::parse);
        long last = 0;
        if (stored.isPresent() && stored.get().uidValidity() == uidValidity) {
            last = stored.get().lastUid();
            if (reconcile) {
                finishMarking(store, folder, last);
            }
        } else if (stored.isPresent()) {
            // The server renumbered the folder: UIDs mean nothing now. Rescan all; stored mail is recognised by its
            // Message-ID and content (MailImporter).
            LOG.warn("IMAP folder {}: UIDVALIDITY changed from {} to {}; rescanning, already imported mail is "
                    + "recognised by Message-ID and content", folderName, stored.get().uidValidity(), uidValidity);
        }
        Message[] found = uids.getMessagesByUID(last + 1, UIDFolder.MAXUID);
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(FetchProfile.Item.SIZE);
        folder.fetch(found, profile);
        Message[] ordered = Arrays.stream(found).sorted(Comparator.comparingLong(m -> uid(uids, m)))
                .toArray(Message[]::new);
        for (Message mail : ordered) {
            long uid = uids.getUID(mail);
            if (uid <= last || !running) {
                continue;   // "n:*" always returns the newest mail, even when its UID is below n
            }
            String sourceId = "imap:" + folderName + ":" + uidValidity + ":" + uid;
            int size = mail.getSize();
            Imported imported = size > maxMailBytes ? sink.importMail(sourceId, null, size)
                    : sink.importMail(sourceId, fetch(mail), size);
            sink.store(imported.inbound(), key, new FolderPosition(uidValidity, uid).format());
            markDone(store, folder, new Message[]{mail});
            last = uid;
            if (imported.afterStore() != null) {
                imported.afterStore().run();
            }
        }
    }

    private static long uid(UIDFolder folder, Message m) {
        try {
            return folder.getUID(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] fetch(Message mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, mail.getSize()));
        mail.writeTo(out);
        return out.toByteArray();
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

    private void waitForMail(Store store, Folder folder, Instant relogin) throws Exception {
        if (!running) {
            return;
        }
        Duration untilRelogin = Duration.between(Instant.now(), relogin);
        if (!useIdle || !supportsIdle(store)) {
            sleep(shorter(pollInterval, untilRelogin));
            return;
        }
        // IDLE returns on the server's first notification; a timer ends it anyway so that a silent server or a
        // dropped notification costs at most one poll interval (and a token due for renewal no more than that).
        Duration limit = shorter(shorter(pollInterval, MAX_IDLE), untilRelogin);
        if (limit.compareTo(Duration.ofSeconds(1)) < 0) {
            sleep(limit);   // too short for an IDLE the timer could end before it began
            return;
        }
        Thread timer = new Thread(() -> {
            try {
                if (!stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    abortIdle(folder);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Thread.currentThread().getName() + "-idle-timer");
        timer.setDaemon(true);
        timer.start();
        try {
            server.idle(folder);
        } finally {
            timer.interrupt();
        }
    }

    private static Duration shorter(Duration a, Duration b) {
        Duration d = a.compareTo(b) <= 0 ? a : b;
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static boolean supportsIdle(Store store) throws MessagingException {
        return MailServer.hasCapability(store, "IDLE");
    }

    private static void abortIdle(Folder folder) {
        MailServer.abortIdle(folder);
    }

    private void sleep(Duration d) {
        try {
            stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
    }
}
