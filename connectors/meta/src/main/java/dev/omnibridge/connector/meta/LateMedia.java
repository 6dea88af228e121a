package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.MessageAnnotation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Media downloads that failed for a passing reason while the webhook was handled. The message was stored at once
 * with a note; here the download is tried again in the background, at most {@code mediaRetries} times with a
 * doubling delay. A success adds the file to the conversation as a follow-up message from the customer
 * ({@code <mid>#media-<n>}, answering the original) and annotates the original ({@code media.<n>}); the last
 * failure adds a follow-up that says what could not be fetched, so nothing is dropped silently.
 *
 * <p>Each pending download is saved as the instance's offset {@code media.retry.<mid>#<n>} in the same
 * transaction as the message it belongs to, and cleared (empty value) in the same transaction as its outcome, so
 * pending retries survive a restart and are not lost when the hub fails between the two. A job too long for an
 * offset (a very long attachment URL) is only kept in memory.
 */
final class LateMedia {
    private static final Logger LOG = LoggerFactory.getLogger(LateMedia.class);
    static final String KEY_PREFIX = "media.retry.";
    private static final int MAX_KEY = 200;
    private static final int MAX_VALUE = 2000;
    private static final Duration MAX_DELAY = Duration.ofHours(6);
    /** Meta redelivers a webhook for up to 36 hours; a job whose message is still not stored by then is dropped. */
    private static final Duration UNSTORED_GIVE_UP = Duration.ofHours(36);

    /**
     * One file to fetch again.
     *
     * @param mediaId  WhatsApp media id, or null
     * @param url      Messenger/Instagram attachment URL, or null
     * @param attempts failed attempts so far (the webhook's own counts)
     * @param nextAt   when to try next, epoch milliseconds
     * @param since    when the webhook's download failed, epoch milliseconds
     */
    record Job(String mid, int index, String type, String mediaId, String url, String fileName, String mime,
               String threadKey, String authorName, AddressKind addressKind, String address, int attempts,
               long nextAt, long since) {
        String key() {
            return KEY_PREFIX + mid + "#" + index;
        }

        String followUpId() {
            return mid + "#media-" + index;
        }

        String label() {
            return type + (fileName == null || fileName.isBlank() ? "" : " " + fileName);
        }

        Job failedAgain(Instant next) {
            return new Job(mid, index, type, mediaId, url, fileName, mime, threadKey, authorName, addressKind,
                    address, attempts + 1, next.toEpochMilli(), since);
        }

        Job at(Instant next) {
            return new Job(mid, index, type, mediaId, url, fileName, mime, threadKey, authorName, addressKind,
                    address, attempts, next.toEpochMilli(), since);
        }

        Job failedAt(Instant at) {
            return new Job(mid, index, type, mediaId, url, fileName, mime, threadKey, authorName, addressKind,
                    address, attempts, nextAt, at.toEpochMilli());
        }
    }

    private final ConnectorContext context;
    private final ChannelRef channel;
    private final MediaDownloads downloads;
    private final int maxAttempts;
    private final Duration delay;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();

    LateMedia(ConnectorContext context, ChannelRef channel, MediaDownloads downloads, int retries, Duration delay,
              Clock clock) {
        this.context = context;
        this.channel = channel;
        this.downloads = downloads;
        this.maxAttempts = 1 + retries;
        this.delay = delay;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meta-media-" + context.instanceId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a failed download gets retried at all ({@code mediaRetries} above 0). */
    boolean enabled() {
        return maxAttempts > 1;
    }

    /** Picks up the retries a previous run left pending. */
    void resume() {
        int n = 0;
        for (Map.Entry<String, String> e : context.offsets(KEY_PREFIX).entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            try {
                Job job = GraphApi.JSON.readValue(e.getValue(), Job.class);
                // never later than the current settings would wait: a restart may well be what fixed the cause
                long wait = Math.min(Math.max(0, job.nextAt() - clock.millis()),
                        delayAfter(Math.max(1, job.attempts())).toMillis());
                schedule(job, wait);
                n++;
            } catch (JsonProcessingException bad) {
                LOG.warn("{}: unreadable pending media retry {} dropped", context.instanceId(), e.getKey());
            }
        }
        if (n > 0) {
            LOG.info("{}: resumed {} pending media downloads", context.instanceId(), n);
        }
    }

    void stop() {
        timer.shutdownNow();
    }

    /** A first failure, from the webhook, with its first retry time. */
    Job firstFailure(Job unscheduled) {
        return unscheduled.failedAt(clock.instant()).at(clock.instant().plus(delayAfter(1)));
    }

    /** The offsets that save these jobs with the webhook's messages (jobs too large for an offset are left out). */
    Map<String, String> offsetsFor(List<Job> jobs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Job job : jobs) {
            String json = json(job);
            if (json != null) {
                out.put(job.key(), json);
            }
        }
        return out;
    }

    void schedule(Job job) {
        schedule(job, Math.max(0, job.nextAt() - clock.millis()));
    }

    private void schedule(Job job, long wait) {
        try {
            ScheduledFuture<?> before = scheduled.put(job.key(), timer.schedule(() -> run(job), wait,
                    TimeUnit.MILLISECONDS));
            if (before != null) {
                before.cancel(false);
            }
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the instance is stopping; the job stays saved for the next start
        }
    }

    private void run(Job job) {
        scheduled.remove(job.key());
        try {
            attempt(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // A scheduled task's failure would vanish inside its future: log it and keep the job going.
            // e.g. the hub could not store the outcome: the job is still saved; try again after the delay
            LOG.warn("{}: media retry for {} could not be recorded: {}", context.instanceId(), job.mid(),
                    e.toString());
            context.reportProblem("a media retry could not be recorded: " + e.getClass().getSimpleName());
            schedule(job.at(clock.instant().plus(delay)));
        }
    }

    private void attempt(Job job) throws InterruptedException {
        LOG.debug("{}: media retry {} attempt after {} failures", context.instanceId(), job.key(), job.attempts());
        if (context.findMessage(job.followUpId()).isPresent()) {
            submit(Inbound.none().withOffsets(Map.of(job.key(), "")));   // done before a restart
            return;
        }
        if (context.findMessage(job.mid()).isEmpty()) {
            // Not committed yet, or the store failed and Meta redelivers (which queues the job again). Waiting does
            // not count as an attempt; after Meta's own redelivery period the job is given up.
            if (clock.millis() - job.since() > UNSTORED_GIVE_UP.toMillis()) {
                LOG.warn("{}: media retry for {} given up: its message was never stored", context.instanceId(),
                        job.mid());
                submit(Inbound.none().withOffsets(Map.of(job.key(), "")));
            } else {
                schedule(job.at(clock.instant().plus(delay)));
            }
            return;
        }
        String reason;
        boolean retryable;
        try {
            Attachment file = job.mediaId() != null
                    ? downloads.whatsApp(job.mediaId(), job.fileName(), job.mime())
                    : downloads.messaging(URI.create(job.url()), job.mime());
            Message late = followUp(job, "[" + job.label() + " from the message above, fetched later]",
                    List.of(file));
            submit(new Inbound(List.of(late), null, null, Map.of(job.key(), ""), null, null, null,
                    List.of(new MessageAnnotation(job.mid(), "media." + job.index(),
                            "fetched later as " + job.followUpId()))));
            LOG.info("{}: fetched media of {} on attempt {}", context.instanceId(), job.mid(), job.attempts() + 1);
            return;
        } catch (MediaDownloads.Failed f) {
            reason = f.getMessage();
            retryable = f.retryable;
        }
        int attempts = job.attempts() + 1;
        if (retryable && attempts < maxAttempts) {
            Job next = job.failedAgain(clock.instant().plus(delayAfter(attempts)));
            String json = json(next);
            if (json != null) {
                submit(Inbound.none().withOffsets(Map.of(job.key(), json)));
            }
            schedule(next);
            return;
        }
        LOG.warn("{}: media of {} not fetched after {} attempts: {}", context.instanceId(), job.mid(), attempts,
                reason);
        String note = "[" + job.label() + " from the message above could not be fetched"
                + (retryable ? " after " + attempts + " attempts" : "") + ": " + reason + "]";
        submit(new Inbound(List.of(followUp(job, note, List.of())), null, null, Map.of(job.key(), ""), null, null,
                null, List.of(new MessageAnnotation(job.mid(), "media." + job.index(), "not fetched: " + reason))));
    }

    private Message followUp(Job job, String text, List<Attachment> files) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("media.lateFor", job.mid());
        return Message.builder().direction(Direction.INBOUND).channel(channel).channelMessageId(job.followUpId())
                .threadKey(job.threadKey()).author(Author.customer(job.authorName(),
                        new Address(job.addressKind(), job.address())))
                .text(text).attachments(files).replyTo(job.mid()).receivedAt(clock.instant()).metadata(meta).build();
    }

    private void submit(Inbound inbound) throws InterruptedException {
        try {
            context.submit(inbound).toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
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
            String json = GraphApi.JSON.writeValueAsString(job);
            if (job.key().length() > MAX_KEY || json.length() > MAX_VALUE) {
                LOG.info("{}: media retry for {} kept in memory only (too long to save)", context.instanceId(),
                        job.mid());
                return null;
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
