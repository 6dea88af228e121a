package dev.omnibridge.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.SentParts;
import dev.omnibridge.spi.ThreadMove;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code telegram} instance.
 * <ul>
 *   <li>Polling mode: the hub polls {@link UpdatesSource} (getUpdates with the stored offset), stores each batch
 *       with its highest update_id as the offset {@code updateId}, and only then polls on (which acknowledges the
 *       batch).</li>
 *   <li>Webhook mode: setWebhook with a secret token on start; {@code POST /hooks/<id>} must carry it in
 *       {@code X-Telegram-Bot-Api-Secret-Token}.</li>
 *   <li>{@link #send}: sendMessage to the conversation's chat (and topic), sendPhoto/sendDocument for attachments;
 *       reply options ({@link Choices}) as an inline keyboard, a press ({@code callback_query}) coming back as a
 *       message with {@link Choices#CHOSEN}.</li>
 * </ul>
 */
final class TelegramConnector extends ConnectorBase<TelegramConnector.Running> implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramConnector.class);
    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    static final List<String> ALLOWED_UPDATES = List.of("message", "edited_message", "callback_query");
    /** Reply options shown as inline keyboard buttons on one message ({@link #capabilities}). */
    static final int MAX_CHOICES = 10;
    /** The Bot API's limit for a button's callback_data: 1-64 bytes. */
    static final int MAX_CALLBACK_DATA_BYTES = 64;
    /** Up to five buttons whose labels together are at most this long share one row; otherwise each has its own. */
    private static final int ONE_ROW_CHARS = 30;
    /** Telegram's limit for one text message. */
    static final int MAX_TEXT = 4096;
    private static final Pattern THREAD_KEY = Pattern.compile("(-?[0-9]+)(?::([0-9]+))?");
    private static final Pattern REPLY_TO = Pattern.compile("(-?[0-9]+):([0-9]+)");

    /** What a started instance holds (polling: the hub runs {@link UpdatesSource}). */
    record Running(ConnectorContext context, TelegramSettings settings, BotApi api, UpdateMapper mapper,
                   FileRetries retries, CallbackAnswers answers) {
    }

    /** Telegram retries a webhook for a while; a file retry whose message is not stored after a day is dropped. */
    static final Duration UNSTORED_GIVE_UP = Duration.ofHours(24);

    /** Shortest pause after an empty or failed poll; a test seam. */
    private final Duration minBackoff;

    TelegramConnector() {
        this(Duration.ofMillis(500));
    }

    TelegramConnector(Duration minBackoff) {
        this.minBackoff = minBackoff;
    }

    @Override
    protected Running open(ConnectorContext context) throws Exception {
        TelegramSettings settings = TelegramSettings.from(context.settings(), context.webhookUrl());
        BotApi api = new BotApi(settings.apiBaseUrl(), settings.botToken().reveal(), settings.timeout());
        UpdateMapper mapper = new UpdateMapper(new ChannelRef(TelegramType.NAME, context.instanceId()), api,
                context.attachments(), settings.maxFileBytes(), settings.fileRetries() > 0);
        FileRetries retries = new FileRetries(context, new ChannelRef(TelegramType.NAME, context.instanceId()),
                "file", settings.fileRetries(), settings.fileRetryDelay(), UNSTORED_GIVE_UP, java.time.Clock.systemUTC(),
                mapper::again);
        retries.resume();
        String instance = context.instanceId();
        if (settings.webhookMode()) {
            ObjectNode params = BotApi.JSON.createObjectNode()
                    .put("url", settings.webhookUrl().toString())
                    .put("secret_token", settings.webhookSecret().reveal())
                    .put("drop_pending_updates", false);
            ArrayNode allowed = params.putArray("allowed_updates");
            ALLOWED_UPDATES.forEach(allowed::add);
            try {
                api.call("setWebhook", params);
            } catch (BotApiException e) {
                throw new IllegalStateException("could not register the webhook with Telegram (setWebhook): "
                        + e.getMessage() + hint(e));
            }
            LOG.info("{}: telegram started in webhook mode; Telegram posts updates to {}", instance,
                    settings.webhookUrl());
            return new Running(context, settings, api, mapper, retries, new CallbackAnswers(instance, api));
        }
        try {
            // getUpdates answers 409 while a webhook is set.
            api.call("deleteWebhook", BotApi.JSON.createObjectNode().put("drop_pending_updates", false));
        } catch (BotApiException e) {
            if (e.status() == 401) {
                throw new IllegalStateException("Telegram rejected the bot token (deleteWebhook: HTTP 401)");
            }
            context.reportProblem("deleteWebhook failed: " + e.getMessage());
            LOG.warn("{}: deleteWebhook failed, polling anyway: {}", instance, e.getMessage());
        }
        CallbackAnswers answers = new CallbackAnswers(instance, api);
        poll(context, UpdatesSource.NAME, new UpdatesSource(instance, settings, api, mapper, retries, answers),
                UpdatesSource.schedule(minBackoff));
        LOG.info("{}: telegram started in polling mode (stored offset: {})", instance,
                context.offset(TelegramSettings.OFFSET_KEY).orElse("none"));
        return new Running(context, settings, api, mapper, retries, answers);
    }

    /** After the hub stopped polling (a batch being stored was stored). */
    @Override
    protected void close(Running was) {
        was.retries().stop();
        was.answers().stop();
        LOG.info("{}: telegram stopped", was.context().instanceId());
    }

    // ---------------------------------------------------------------------------------------------- webhook mode

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        String instance = r.context().instanceId();
        if (!r.settings().webhookMode()) {
            throw new WebhookRejectedException(404, "this instance polls (mode: polling) and takes no webhooks");
        }
        String given = request.header(SECRET_HEADER).orElse(null);
        if (given == null || given.isEmpty()) {
            LOG.info("{}: rejected webhook from {}: no secret token", instance, request.remoteAddress());
            throw WebhookRejectedException.forbidden("missing " + SECRET_HEADER + " header");
        }
        if (!HmacSignatures.constantTimeEquals(r.settings().webhookSecret().reveal(), given)) {
            LOG.info("{}: rejected webhook from {}: wrong secret token", instance, request.remoteAddress());
            throw WebhookRejectedException.forbidden(SECRET_HEADER + " does not match the configured webhookSecret");
        }
        if (!"POST".equals(request.method())) {
            throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; Telegram posts");
        }
        JsonNode update;
        try {
            update = BotApi.JSON.readTree(request.body());
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not JSON");
        }
        if (update == null || !update.isObject()) {
            throw WebhookRejectedException.badRequest("body is not a Telegram Update object");
        }
        UpdateMapper.Result result;
        try {
            result = r.mapper().map(update, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejectedException(503, "interrupted");
        }
        if (result instanceof UpdateMapper.Picked picked) {
            // The answer to the query rides on the webhook's response (the Bot API runs a method given there), which
            // the hub sends once the pick is stored; only the keyboard's removal is a call of its own.
            UpdateMapper.CallbackAck ack = picked.ack();
            WebhookResponse answer = WebhookResponse.json(200, BotApi.JSON.createObjectNode()
                    .put("method", "answerCallbackQuery").put("callback_query_id", ack.queryId()).toString());
            r.answers().removeKeyboard(ack);
            if (picked.result() instanceof UpdateMapper.Mapped m) {
                LOG.debug("{}: update {} -> pick {}", instance, update.path("update_id").asText(),
                        m.message().channelMessageId());
                return WebhookOutcome.store(Inbound.messages(List.of(m.message())), answer);
            }
            return WebhookOutcome.store(Inbound.skipped(((UpdateMapper.Skip) picked.result()).skipped()), answer);
        }
        if (result instanceof UpdateMapper.Mapped m) {
            LOG.debug("{}: update {} -> message {}", instance, update.path("update_id").asText(),
                    m.message().channelMessageId());
            Inbound inbound = Inbound.messages(List.of(m.message()));
            List<FileRetries.Job> pending = r.retries().firstFailures(m.pending());
            if (!pending.isEmpty()) {
                r.context().reportProblem(pending.size() + " file download(s) failed; stored with a note, retrying");
                inbound = inbound.withOffsets(r.retries().offsetsFor(pending));
                pending.forEach(r.retries()::schedule);
            }
            return WebhookOutcome.store(inbound);
        }
        if (result instanceof UpdateMapper.Skip s) {
            return WebhookOutcome.store(Inbound.skipped(s.skipped()));
        }
        if (result instanceof UpdateMapper.Moved moved) {
            LOG.info("{}: a group became a supergroup; its conversation moves to the new chat id", instance);
            return WebhookOutcome.store(Inbound.none().withThreadMoves(List.of(moved.move())));
        }
        LOG.debug("{}: ignored update of type {}", instance, ((UpdateMapper.NotAMessage) result).type());
        return WebhookOutcome.respond(WebhookResponse.json(200, "{\"status\":\"ignored\"}"));
    }

    // ---------------------------------------------------------------------------------------------- outbound

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = running();
        Message message = outbound.customerFacing();
        Conversation conversation = outbound.conversation();
        String threadKey = conversation == null ? message.threadKey() : conversation.threadKey();
        Matcher key = threadKey == null ? null : THREAD_KEY.matcher(threadKey);
        if (key == null || !key.matches()) {
            throw DeliveryException.permanent("thread key is not '<chat id>' or '<chat id>:<topic id>'");
        }
        String chatId = key.group(1);
        String topic = key.group(2);
        Address customer = conversation != null && conversation.customer() != null ? conversation.customer()
                : !chatId.startsWith("-") ? Address.chatUser(chatId) : null;
        Long replyTo = null;
        if (message.replyTo() != null) {
            Matcher m = REPLY_TO.matcher(message.replyTo());
            if (m.matches() && m.group(1).equals(chatId)) {
                replyTo = Long.parseLong(m.group(2));
            }
        }
        String text = message.text() == null ? "" : message.text().strip();
        List<Choice> choices = Choices.of(message);
        if (!choices.isEmpty() && (text.isEmpty() || !fitKeyboard(choices))) {
            // Buttons ride on a text message; without one, or with ids Telegram cannot carry, they become numbers.
            text = Choices.numbered(text, choices).strip();
            choices = List.of();
        }
        if (text.isEmpty() && message.attachments().isEmpty()) {
            throw DeliveryException.permanent("nothing to send: the reply has no text and no attachments");
        }
        try {
            return sendTo(r, outbound.idempotencyKey(), message, text, choices, chatId, topic, replyTo, customer);
        } catch (ChatMigrated migrated) {
            // A basic group became a supergroup: the conversation moves to the new chat, and the reply goes there.
            // The group's message ids mean nothing in the supergroup, so the retry answers no message.
            String newChat = String.valueOf(migrated.toChatId);
            moveConversation(r, threadKey, topic == null ? newChat : newChat + ":" + topic);
            try {
                return sendTo(r, outbound.idempotencyKey(), message, text, choices, newChat, topic, null, customer);
            } catch (ChatMigrated again) {
                throw DeliveryException.permanent("Telegram says the supergroup the group became moved again");
            }
        }
    }

    /**
     * Sends the text and the attachments to one chat; returns the first message's id. Telegram takes no
     * idempotency key, so the parts it accepted are remembered ({@link SentParts}) and a retry goes on with the next.
     */
    private String sendTo(Running r, String idempotencyKey, Message message, String text, List<Choice> choices,
                          String chatId, String topic, Long replyTo, Address customer) throws ChatMigrated {
        // The hub split a longer text into several sends (capabilities()): this one fits one message.
        List<String> chunks = text.isEmpty() ? List.of() : List.of(text);
        List<Attachment> files = message.attachments();
        SentParts progress = SentParts.resume(r.context(), idempotencyKey, chunks.size() + files.size());
        try {
            for (int i = progress.sent(); i < chunks.size() + files.size(); i++) {
                String id;
                if (i < chunks.size()) {
                    ObjectNode params = BotApi.JSON.createObjectNode();
                    putChatId(params, chatId);
                    if (topic != null) {
                        params.put("message_thread_id", Long.parseLong(topic));
                    }
                    params.put("text", chunks.get(i));
                    if (replyTo != null && i == 0) {
                        params.putObject("reply_parameters").put("message_id", replyTo);
                    }
                    if (!choices.isEmpty() && i == chunks.size() - 1) {
                        params.set("reply_markup", keyboard(choices));
                    }
                    id = sentId(r.api().call("sendMessage", params), chatId);
                } else {
                    id = sendAttachment(r, files.get(i - chunks.size()), chatId, topic);
                }
                progress.accepted(id);
            }
        } catch (BotApiException e) {
            if (e.migrateToChatId() != null && progress.firstId() == null) {
                throw new ChatMigrated(e.migrateToChatId());
            }
            throw failed(r, e, customer, progress.firstId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while sending", null);
        }
        LOG.debug("{}: sent {}", r.context().instanceId(), progress.firstId());
        return progress.firstId();
    }

    /**
     * What one Telegram message carries; the hub fits every reply to it before {@link #send}:
     * <ul>
     *   <li>text of 1-4,096 characters after entities parsing (https://core.telegram.org/bots/api#sendmessage),
     *       counted here in UTF-16 code units, as Telegram counts entity offsets, which is never fewer; sent without
     *       a parse mode, so plain text;</li>
     *   <li>up to {@link #MAX_CHOICES} options as inline keyboard buttons (the Bot API sets no count this relies on;
     *       ten keeps the keyboard readable on a phone);</li>
     *   <li>files uploaded from the hub's storage or passed by URL: photos up to 10 MB, other files up to 50 MB
     *       ("Sending files", https://core.telegram.org/bots/api#sending-files; Telegram fetches URLs itself, up to
     *       5 MB for photos and 20 MB for others: a larger file at a URL fails there);</li>
     *   <li>edits of customers' messages ({@code edited_message}).</li>
     * </ul>
     */
    @Override
    public ChannelCapabilities capabilities() {
        return CAPABILITIES;
    }

    static final ChannelCapabilities CAPABILITIES = ChannelCapabilities.builder()
            .text(MAX_TEXT, ChannelCapabilities.TextUnit.UTF16_UNITS).buttons(MAX_CHOICES, 0)
            .media("image/svg+xml", 50L * 1024 * 1024).media("image/*", 10L * 1024 * 1024)
            .media("*/*", 50L * 1024 * 1024).edits(true).build();

    /** Whether every option fits a button: at most {@link #MAX_CHOICES}, each id 1-64 bytes of callback_data. */
    static boolean fitKeyboard(List<Choice> choices) {
        return choices.size() <= MAX_CHOICES && choices.stream().allMatch(c ->
                c.id().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_CALLBACK_DATA_BYTES);
    }

    /**
     * An {@code InlineKeyboardMarkup}: rows of {@code InlineKeyboardButton}s with {@code text} (the title) and
     * {@code callback_data} (the choice id, which the press sends back). Short labels (a 1-5 rating, yes/no) share
     * one row; longer ones get a row each so phones do not cut them.
     */
    static ObjectNode keyboard(List<Choice> choices) {
        ObjectNode markup = BotApi.JSON.createObjectNode();
        ArrayNode rows = markup.putArray("inline_keyboard");
        boolean oneRow = choices.size() <= 5
                && choices.stream().mapToInt(c -> c.title().length()).sum() <= ONE_ROW_CHARS;
        ArrayNode row = null;
        for (Choice c : choices) {
            if (row == null || !oneRow) {
                row = rows.addArray();
            }
            row.addObject().put("text", c.title()).put("callback_data", c.id());
        }
        return markup;
    }

    /** Telegram answered a send with {@code parameters.migrate_to_chat_id}. */
    private static final class ChatMigrated extends Exception {
        final long toChatId;

        ChatMigrated(long toChatId) {
            super(null, null, false, false);
            this.toChatId = toChatId;
        }
    }

    /**
     * Asks the hub to re-key the conversation, and waits for it: later inbound messages from the supergroup then
     * join it, and later replies go straight to the supergroup. If the hub cannot store it now, this reply still goes
     * out, and the next reply to the old chat moves it again.
     */
    private void moveConversation(Running r, String fromKey, String toKey) {
        String instance = r.context().instanceId();
        LOG.info("{}: a group became a supergroup; its conversation moves to the new chat id", instance);
        try {
            r.context().submit(Inbound.none().withThreadMoves(List.of(new ThreadMove(fromKey, toKey))))
                    .toCompletableFuture().get(r.settings().timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: could not move the conversation to the supergroup yet: {}", instance, e.toString());
        }
    }

    private String sendAttachment(Running r, Attachment a, String chatId, String topic)
            throws BotApiException, InterruptedException {
        String scheme = a.location().getScheme() == null ? "" : a.location().getScheme().toLowerCase(Locale.ROOT);
        boolean photo = a.mediaType().toLowerCase(Locale.ROOT).startsWith("image/")
                && !a.mediaType().toLowerCase(Locale.ROOT).startsWith("image/svg");
        String method = photo ? "sendPhoto" : "sendDocument";
        String field = photo ? "photo" : "document";
        if (scheme.equals("http") || scheme.equals("https")) {
            ObjectNode params = BotApi.JSON.createObjectNode();
            putChatId(params, chatId);
            if (topic != null) {
                params.put("message_thread_id", Long.parseLong(topic));
            }
            params.put(field, a.location().toString());
            return sentId(r.api().call(method, params), chatId);
        }
        if (!scheme.equals("attachment")) {
            throw new BotApiException("attachment " + a.fileName() + " is at an unsupported location", 400,
                    "unsupported attachment location", null);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("chat_id", chatId);
        if (topic != null) {
            fields.put("message_thread_id", topic);
        }
        try (InputStream in = r.context().attachments().open(a)) {
            return sentId(r.api().upload(method, fields, field, a.fileName(), a.mediaType(), in), chatId);
        } catch (IOException e) {
            throw new BotApiException("attachment " + a.fileName() + " could not be read from storage", 0, null,
                    null);
        }
    }

    private static void putChatId(ObjectNode params, String chatId) {
        params.put("chat_id", Long.parseLong(chatId));
    }

    private static String sentId(JsonNode result, String chatId) {
        String chat = result.path("chat").path("id").canConvertToLong()
                ? String.valueOf(result.path("chat").path("id").asLong()) : chatId;
        return chat + ":" + result.path("message_id").asText();
    }

    private DeliveryException failed(Running r, BotApiException e, Address customer, String alreadySent) {
        String instance = r.context().instanceId();
        String partly = alreadySent == null ? "" : " (after part of the reply was sent as " + alreadySent + ")";
        String text = "Telegram " + e.getMessage() + partly;
        int status = e.status();
        String description = e.description() == null ? "" : e.description().toLowerCase(Locale.ROOT);
        DeliveryException result;
        if (e.isNetwork() || status >= 500) {
            result = DeliveryException.retryable(text, null);
        } else if (status == 429) {
            result = e.retryAfter() != null ? DeliveryException.retryAfter(text, e.retryAfter())
                    : DeliveryException.retryable(text, null);
        } else if (status == 401) {
            r.context().reportProblem("Telegram rejected the bot token (HTTP 401); check botToken");
            result = DeliveryException.retryable(text, null);
        } else if (status == 403 || (status == 400 && description.contains("chat not found"))) {
            String reason = status == 400 ? "chat not found"
                    : description.contains("blocked") ? "blocked the bot"
                    : e.description() == null ? "bot may not write to this chat" : e.description();
            recordUnreachable(r, customer, reason);
            result = DeliveryException.permanent(text);
        } else {
            result = DeliveryException.permanent(text);
        }
        LOG.info("{}: sending failed ({}): {}", instance, result.kind(), text);
        return result;
    }

    private static void recordUnreachable(Running r, Address customer, String reason) {
        if (customer == null || customer.kind() != AddressKind.CHAT_USER) {
            return;
        }
        r.context().submit(Inbound.none().withAddressStatuses(List.of(AddressStatus.unreachable(customer, reason))))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.warn("{}: could not record that {} is unreachable: {}", r.context().instanceId(),
                                customer, error.toString());
                    }
                });
    }

    static String hint(BotApiException e) {
        return switch (e.status()) {
            case 401, 404 -> " (check botToken)";
            case 400 -> " (Telegram needs a public https URL on port 443, 80, 88 or 8443; check webhookUrl)";
            default -> "";
        };
    }
}
