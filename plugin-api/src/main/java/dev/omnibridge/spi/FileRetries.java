package dev.omnibridge.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A channel's customer files whose download failed for a reason that may pass (network, 5xx, 429) while the message
 * was received. The message is stored at once with a note (never held back, so the vendor does not redeliver it
 * forever and the text is never lost); the download is tried again here in the background, at most {@code retries}
 * times with a doubling delay. A success adds the file to the conversation as a follow-up message from the customer
 * ({@code <messageId>#<tag>-<n>}, answering the original) and annotates the original ({@code <tag>.<n>}); the last
 * failure adds a follow-up that says what could not be fetched, so nothing is dropped silently.
 *
 * <p>Each pending download is saved as the instance's offset {@code <tag>.retry.<messageId>#<n>} in the same
 * transaction as the message it belongs to ({@link #offsetsFor}), and cleared (empty value) in the same transaction
 * as its outcome, so pending retries survive a restart ({@link #resume}, through
 * {@link ConnectorContext#offsets(String)}). A job too long for an offset is kept in memory only. A retry due before
 * the hub has committed the message waits for it without using an attempt, and is given up after
 * {@code giveUpUnstored}.
 */
public final class FileRetries {
    private static final Logger LOG = LoggerFactory.getLogger(FileRetries.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEY = 200;
    private static final int MAX_VALUE = 2000;
    private static final Duration MAX_DELAY = Duration.ofHours(6);

    /**
     * One file to fetch again.
     *
     * @param messageId the original message's channel message id
     * @param index     the file's position in the message, from 1
     * @param label     how the notes name the file, e.g. {@code image photo.jpg}
     * @param source    what the connector needs to fetch it again (a media id, a URL, a file id...)
     * @param attempts  failed attempts so far (the first, while receiving, counts)
     * @param nextAt    when to try next, epoch milliseconds
     * @param since     when the first attempt failed, epoch milliseconds
     */
    public record Job(String messageId, int index, String label, Map<String, String> source, String threadKey,
                      String authorName, AddressKind addressKind, String address, int attempts, long nextAt,
                      long since) {
        public Job {
            Objects.requireNonNull(messageId, "messageId");
            source = source == null ? Map.of() : Map.copyOf(source);
        }

        /** A file of a message just received: first attempt failed, times filled in by {@link #firstFailure}. */
        public static Job of(String messageId, int index, String label, Map<String, String> source, String threadKey,
                             String authorName, Address address) {
            return new Job(messageId, index, label, source, threadKey, authorName,
                    address == null ? null : address.kind(), address == null ? null : address.value(), 1, 0, 0);
        }

        Job at(Instant next) {
            return new Job(messageId, index, label, source, threadKey, authorName, addressKind, address, attempts,
                    next.toEpochMilli(), since);
        }

        Job failedAgain(Instant next) {
            return new Job(messageId, index, label, source, threadKey, authorName, addressKind, address,
                    attempts + 1, next.toEpochMilli(), since);
        }

        Job failedAt(Instant at) {
            return new Job(messageId, index, label, source, threadKey, authorName, addressKind, address, attempts,
                    nextAt, at.toEpochMilli());
        }
    }

    /** Fetches a job's file into the hub's storage. */
    @FunctionalInterface
    public interface Fetch {
        Attachment fetch(Job job) throws Failed, InterruptedException;
    }

    /** Why a file is not in storage; {@code retryable} when trying again later may help. */
    public static final class Failed extends Exception {
        private final boolean retryable;

        public Failed(String reason, boolean retryable) {
            super(reason);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final ConnectorContext context;
    private final ChannelRef channel;
    private final String tag;
    private final Fetch fetch;
    private final int maxAttempts;
    private final Duration delay;
    private final Duration giveUpUnstored;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();

    /**
     * @param tag            names keys, ids and metadata ({@code media} gives {@code media.retry.*},
     *                       {@code <id>#media-1}, {@code media.1})
     * @param retries        attempts after the first; 0 turns retries off ({@link #enabled()})
     * @param delay          wait before the first retry; doubles each time, at most six hours
     * @param giveUpUnstored how long a job waits for its message to be stored (the vendor's redelivery period)
     */
    public FileRetries(ConnectorContext context, ChannelRef channel, String tag, int retries, Duration delay,
                       Duration giveUpUnstored, Clock clock, Fetch fetch) {
        this.context = context;
        this.channel = channel;
        this.tag = tag;
        this.fetch = fetch;
        this.maxAttempts = 1 + Math.max(0, retries);
        this.delay = delay;
        this.giveUpUnstored = giveUpUnstored;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, tag + "-retry-" + context.instanceId());
            t.setDaemon(true);
            return t;
        });
    }

    /** The offset key prefix of this tag's jobs. */
    public String keyPrefix() {
        return tag + ".retry.";
    }

    public String key(Job job) {
        return keyPrefix() + job.messageId() + "#" + job.index();
    }

    public String followUpId(Job job) {
        return job.messageId() + "#" + tag + "-" + job.index();
    }

    /** Whether a failed download gets retried at all. */
    public boolean enabled() {
        return maxAttempts > 1;
    }

    /** The note for the received message while its file is pending. */
    public static String pendingNote(String label, String reason) {
        return "[" + label + " not fetched yet: " + reason + "; the hub tries again and adds it to this conversation]";
    }

    /** Picks up the retries a previous run left pending. */
    public void resume() {
        int n = 0;
        for (Map.Entry<String, String> e : context.offsets(keyPrefix()).entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            try {
                Job job = JSON.readValue(e.getValue(), Job.class);
                // never later than the current settings would wait: a restart may well be what fixed the cause
                long wait = Math.min(Math.max(0, job.nextAt() - clock.millis()),
                        delayAfter(Math.max(1, job.attempts())).toMillis());
                schedule(job, wait);
                n++;
            } catch (JsonProcessingException bad) {
                LOG.warn("{}: unreadable pending file retry {} dropped", context.instanceId(), e.getKey());
            }
        }
        if (n > 0) {
            LOG.info("{}: resumed {} pending file downloads", context.instanceId(), n);
        }
    }

    public void stop() {
        timer.shutdownNow();
    }

    /**
     * Jobs of messages just received, with their first retry time. Jobs of a message the hub has stored already are
     * left out: the vendor handed it again (a redelivered webhook, a poll without offset), the hub drops it as a
     * duplicate, and its files were queued with it the first time. Queuing them again would reset their attempts,
     * and would put off the pending retry every time the duplicate came, for good when it came more often than the
     * retry delay.
     */
    public List<Job> firstFailures(List<Job> jobs) {
        Instant now = clock.instant();
        return jobs.stream().filter(j -> context.findMessage(j.messageId()).isEmpty())
                .map(j -> j.failedAt(now).at(now.plus(delayAfter(1)))).toList();
    }

    /** The offsets that save these jobs with their messages (jobs too long for an offset are left out). */
    public Map<String, String> offsetsFor(List<Job> jobs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Job job : jobs) {
            String json = json(job);
            if (json != null) {
                out.put(key(job), json);
            }
        }
        return out;
    }

    public void schedule(Job job) {
        schedule(job, Math.max(0, job.nextAt() - clock.millis()));
    }

    private void schedule(Job job, long wait) {
        try {
            ScheduledFuture<?> before = scheduled.put(key(job), timer.schedule(() -> run(job), wait,
                    TimeUnit.MILLISECONDS));
            if (before != null) {
                before.cancel(false);
            }
        } catch (RejectedExecutionException stopped) {
            // the instance is stopping; the job stays saved for the next start
        }
    }

    private void run(Job job) {
        scheduled.remove(key(job));
        try {
            attempt(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // A scheduled task's failure would vanish inside its future: log it and keep the job going
            // (e.g. the hub could not store the outcome; the job is still saved).
            LOG.warn("{}: file retry for {} could not be recorded: {}", context.instanceId(), job.messageId(),
                    e.toString());
            context.reportProblem("a file retry could not be recorded: " + e.getClass().getSimpleName());
            schedule(job.at(clock.instant().plus(delay)));
        }
    }

    private void attempt(Job job) throws InterruptedException {
        LOG.debug("{}: file retry {} after {} failed attempts", context.instanceId(), key(job), job.attempts());
        if (context.findMessage(followUpId(job)).isPresent()) {
            submit(Inbound.none().withOffsets(Map.of(key(job), "")));   // done before a restart
            return;
        }
        if (context.findMessage(job.messageId()).isEmpty()) {
            // Not committed yet, or the store failed and the vendor redelivers (which queues the job again).
            // Waiting does not count as an attempt.
            if (clock.millis() - job.since() > giveUpUnstored.toMillis()) {
                LOG.warn("{}: file retry for {} given up: its message was never stored", context.instanceId(),
                        job.messageId());
                submit(Inbound.none().withOffsets(Map.of(key(job), "")));
            } else {
                schedule(job.at(clock.instant().plus(delay)));
            }
            return;
        }
        String reason;
        boolean retryable;
        try {
            Attachment file = fetch.fetch(job);
            Message late = followUp(job, "[" + job.label() + " from the message above, fetched later]",
                    List.of(file));
            submit(Inbound.builder().messages(List.of(late)).offsets(Map.of(key(job), ""))
                    .annotations(List.of(MessageAnnotation.set(job.messageId(), tag + "." + job.index(),
                            "fetched later as " + followUpId(job))))
                    .build());
            LOG.info("{}: fetched a file of {} on attempt {}", context.instanceId(), job.messageId(),
                    job.attempts() + 1);
            return;
        } catch (Failed f) {
            reason = f.getMessage();
            retryable = f.retryable();
        }
        int attempts = job.attempts() + 1;
        if (retryable && attempts < maxAttempts) {
            Job next = job.failedAgain(clock.instant().plus(delayAfter(attempts)));
            String json = json(next);
            if (json != null) {
                submit(Inbound.none().withOffsets(Map.of(key(job), json)));
            }
            schedule(next);
            return;
        }
        LOG.warn("{}: a file of {} not fetched after {} attempts: {}", context.instanceId(), job.messageId(),
                attempts, reason);
        String note = "[" + job.label() + " from the message above could not be fetched"
                + (retryable ? " after " + attempts + " attempts" : "") + ": " + reason + "]";
        submit(Inbound.builder().messages(List.of(followUp(job, note, List.of()))).offsets(Map.of(key(job), ""))
                .annotations(List.of(MessageAnnotation.set(job.messageId(), tag + "." + job.index(),
                        "not fetched: " + reason)))
                .build());
    }

    private Message followUp(Job job, String text, List<Attachment> files) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(tag + ".lateFor", job.messageId());
        return Message.builder().direction(Direction.INBOUND).channel(channel).channelMessageId(followUpId(job))
                .threadKey(job.threadKey()).author(Author.customer(job.authorName(), job.addressKind() == null
                        ? null : new Address(job.addressKind(), job.address())))
                .text(text).attachments(files).replyTo(job.messageId()).receivedAt(clock.instant()).metadata(meta)
                .build();
    }

    private void submit(Inbound inbound) throws InterruptedException {
        try {
            context.submit(inbound).toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Wait after the n-th failed attempt: the delay, doubled each time, at most six hours. */
    private Duration delayAfter(int failedAttempts) {
        Duration d = delay;
        for (int i = 1; i < failedAttempts && d.compareTo(MAX_DELAY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    private String json(Job job) {
        try {
            String json = JSON.writeValueAsString(job);
            if (key(job).length() > MAX_KEY || json.length() > MAX_VALUE) {
                LOG.info("{}: file retry for {} kept in memory only (too long to save)", context.instanceId(),
                        job.messageId());
                return null;
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
