package dev.omnibridge.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollRequest;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.spi.ThreadMove;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Polling mode's getUpdates, run by the hub ({@link ConnectorContext#poll}). The offset lives only in the hub's
 * store: each poll asks for stored offset + 1, and the hub stores a batch with its highest update_id before it polls
 * again, so a batch is acknowledged to Telegram only by the poll that follows its successful store.
 */
final class UpdatesSource implements PolledSource {
    private static final Logger LOG = LoggerFactory.getLogger(UpdatesSource.class);
    /** The source's name in the hub (thread names, {@code /health}). */
    static final String NAME = "updates";
    /** The longest pause after failed polls in a row. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** The pause after getUpdates was ended by another node's getUpdates during a take-over (issue 25). */
    static final Duration OTHER_POLLER_PAUSE = Duration.ofSeconds(1);
    /**
     * How long a stored offset is sent: Telegram's quiet week, less the 24 hours it keeps an update (the newest
     * update of a batch stored now may be that old) and a day for clocks that differ.
     */
    static final Duration TRUSTED_OFFSET_AGE = Duration.ofDays(5);

    private final String instance;
    private final TelegramSettings settings;
    private final BotApi api;
    private final UpdateMapper mapper;
    private final FileRetries retries;
    private final CallbackAnswers answers;
    private boolean warnedStale;

    UpdatesSource(String instance, TelegramSettings settings, BotApi api, UpdateMapper mapper, FileRetries retries,
                  CallbackAnswers answers) {
        this.instance = instance;
        this.settings = settings;
        this.api = api;
        this.mapper = mapper;
        this.retries = retries;
        this.answers = answers;
    }

    /**
     * Polls at once while updates come (getUpdates long-polls for {@code pollTimeout}); after an empty or failed poll
     * waits at least {@code minPause}, so a server that answers at once makes no hot loop; failures in a row double
     * the pause up to {@link #MAX_BACKOFF}.
     */
    static PollSchedule schedule(Duration minPause) {
        return PollSchedule.builder().interval(minPause).backoff(minPause, MAX_BACKOFF)
                .offsetKeys(TelegramSettings.OFFSET_KEY, TelegramSettings.OFFSET_AT_KEY).build();
    }

    @Override
    public PollResult poll(PollRequest request) throws PollException, InterruptedException {
        try {
            return getUpdates(request);
        } catch (RuntimeException e) {
            throw PollException.retryable("polling failed: " + e.getClass().getSimpleName() + ": "
                    + api.redact(e.getMessage()));
        }
    }

    private PollResult getUpdates(PollRequest request) throws PollException, InterruptedException {
        ObjectNode params = BotApi.JSON.createObjectNode();
        Long stored = storedOffset(request);
        if (stored != null && offsetStillValid(request)) {
            params.put("offset", stored + 1);
        }
        params.put("timeout", settings.pollTimeout().toSeconds());
        ArrayNode allowed = params.putArray("allowed_updates");
        TelegramConnector.ALLOWED_UPDATES.forEach(allowed::add);
        JsonNode updates;
        try {
            updates = api.call("getUpdates", params, settings.pollTimeout().plus(settings.timeout()));
        } catch (BotApiException e) {
            if (otherPoller(e)) {
                // Issue 25: two hub nodes polled at once while one took the source over from the other (Telegram
                // ends the older long poll with 409 "Conflict: terminated by other getUpdates request"). Not a
                // problem to show: poll again after the pause; the node that lost the lease stops by itself.
                LOG.debug("{}: getUpdates ended by another getUpdates request", instance);
                return PollResult.held(OTHER_POLLER_PAUSE);
            }
            throw classified(e);
        }
        if (!updates.isArray() || updates.isEmpty()) {
            // A server that answers at once (no long poll) must not make this a hot loop: the schedule's pause.
            return PollResult.nothing();
        }
        List<Message> messages = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<ThreadMove> moves = new ArrayList<>();
        List<FileRetries.Job> pending = new ArrayList<>();
        List<UpdateMapper.CallbackAck> acks = new ArrayList<>();
        // Ids grow but are not contiguous (and Telegram may restart them after a quiet week), so the offset is
        // the highest id of this batch, not a count. An update that was stored before is submitted again and
        // deduped by its channel message id.
        long highest = Long.MIN_VALUE;
        Instant now = Instant.now();
        for (JsonNode update : updates) {
            if (!update.path("update_id").canConvertToLong()) {
                continue;
            }
            long id = update.get("update_id").asLong();
            highest = Math.max(highest, id);
            UpdateMapper.Result result = mapper.map(update, now);
            if (result instanceof UpdateMapper.Picked picked) {
                acks.add(picked.ack());
                result = picked.result();
            }
            if (result instanceof UpdateMapper.Mapped m) {
                messages.add(m.message());
                pending.addAll(retries.firstFailures(m.pending()));
            } else if (result instanceof UpdateMapper.Skip s) {
                skipped.add(s.skipped());
            } else if (result instanceof UpdateMapper.Moved moved && !moves.contains(moved.move())) {
                moves.add(moved.move());
            }
        }
        if (highest == Long.MIN_VALUE) {
            throw PollException.retryable("getUpdates answered updates without update_id");
        }
        Map<String, String> offsets = new LinkedHashMap<>(retries.offsetsFor(pending));
        offsets.put(TelegramSettings.OFFSET_KEY, String.valueOf(highest));
        offsets.put(TelegramSettings.OFFSET_AT_KEY, now.toString());
        Inbound inbound = Inbound.builder().messages(messages).offsets(offsets).skipped(skipped).threadMoves(moves)
                .build();
        long offset = highest;
        return PollResult.builder().inbound(inbound).describedAs("updates up to " + highest).pollAgainNow()
                .onStored(() -> {
                    pending.forEach(retries::schedule);
                    // Button presses are answered once stored: a failed store fetches them again, answered then.
                    acks.forEach(answers::answer);
                    LOG.debug("{}: stored {} messages, offset now {}", instance, messages.size(), offset);
                }).build();
    }

    /**
     * Whether getUpdates was ended by another getUpdates call for the bot (HTTP 409 "Conflict: terminated by other
     * getUpdates request; make sure that only one bot instance is running"), as opposed to the 409 for a webhook set
     * ("can't use getUpdates method while webhook is active").
     */
    static boolean otherPoller(BotApiException e) {
        return e.status() == 409 && e.description() != null
                && e.description().toLowerCase(java.util.Locale.ROOT).contains("other getupdates");
    }

    /** A failed getUpdates, classified for the hub's backoff. */
    private PollException classified(BotApiException e) throws InterruptedException {
        if (e.status() == 409) {
            // getUpdates answers 409 while a webhook is set (someone set one since start): delete it, poll again.
            try {
                api.call("deleteWebhook", BotApi.JSON.createObjectNode().put("drop_pending_updates", false));
            } catch (BotApiException ignored) {
                // reported below
            }
            return PollException.retryable("getUpdates: HTTP 409: a webhook is set for this bot; deleted it, "
                    + "polling again");
        }
        String message = "polling failed: " + e.getMessage() + TelegramConnector.hint(e);
        if (e.status() == 429 && e.retryAfter() != null) {
            return PollException.retryAfter(message, e.retryAfter());
        }
        if (e.status() == 401 || e.status() == 404) {
            return PollException.needsAttention(message);   // the token is wrong: retrying soon will not help
        }
        return PollException.retryable(message);
    }

    /**
     * Whether the stored offset may be sent. Telegram: "If there are no new updates for at least a week, then
     * identifier of the next update will be chosen randomly instead of sequentially", and an update counts as
     * confirmed once getUpdates is called with a higher offset. So after a quiet week the stored offset may lie
     * above the next (random) id, and sending it would confirm new updates unseen. A poll without offset returns
     * every unconfirmed update instead; one stored before comes again and the hub drops it by its channel message
     * id. An offset without its time (saved by an earlier version) is treated as old. The time is when the batch
     * was stored, since Telegram's update times are not in the updates (a message's date may be far older).
     * Updates from before a stale offset are gone by then (Telegram keeps them 24 hours), so a poll without
     * offset cannot mix the old id sequence with the new one.
     */
    private boolean offsetStillValid(PollRequest request) {
        Instant at = request.offset(TelegramSettings.OFFSET_AT_KEY).map(v -> {
            try {
                return Instant.parse(v.strip());
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }).orElse(null);
        boolean valid = at != null && at.isAfter(Instant.now().minus(TRUSTED_OFFSET_AGE));
        if (!valid && !warnedStale) {
            warnedStale = true;
            LOG.info("{}: the stored offset was saved at {}, and Telegram may restart update ids after a week "
                    + "without updates; polling without offset until the next batch (updates seen before are "
                    + "dropped as duplicates)", instance, at == null ? "an unknown time" : at);
        } else if (valid) {
            warnedStale = false;
        }
        return valid;
    }

    private static Long storedOffset(PollRequest request) {
        Optional<String> v = request.offset(TelegramSettings.OFFSET_KEY);
        try {
            return v.map(s -> Long.parseLong(s.strip())).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
