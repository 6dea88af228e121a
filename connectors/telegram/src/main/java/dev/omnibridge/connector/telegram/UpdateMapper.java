package dev.omnibridge.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.FileNames;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.FileRetries;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.spi.ThreadMove;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one Bot API {@code Update} into a canonical message: {@code message} and {@code edited_message} are mapped,
 * a {@code callback_query} (a press on a reply option's button) is a {@link Picked}, every other update type is not a
 * message. Files are fetched through getFile into the hub's attachment storage.
 */
final class UpdateMapper {
    static final long BOT_API_DOWNLOAD_LIMIT = 20L * 1024 * 1024;

    /** What an update became. */
    sealed interface Result permits Mapped, NotAMessage, Skip, Moved, Picked {
    }

    /**
     * A press on one of the hub's inline keyboard buttons ({@code callback_query}): {@code result} is the pick as a
     * customer message ({@link Mapped}) or, when it is not one the hub offered, a {@link Skip}; either way the query
     * must be answered ({@code answerCallbackQuery}) so the customer's app stops its progress indicator.
     */
    record Picked(Result result, CallbackAck ack) implements Result {
    }

    /**
     * What to tell Telegram about a button press: the query to answer and, for an accepted pick, the message whose
     * keyboard to remove (so the same question is not answered twice); {@code messageId} null when there is none.
     */
    record CallbackAck(String queryId, String chatId, Long messageId) {
    }


    /**
     * A basic group became a supergroup with a new chat id: the service message {@code migrate_to_chat_id} (in the
     * old group) or {@code migrate_from_chat_id} (in the new supergroup). Its conversation takes the new chat id.
     */
    record Moved(ThreadMove move) implements Result {
    }

    /** A message; {@code pending} are its files to fetch again in the background ({@link FileRetries}). */
    record Mapped(Message message, List<FileRetries.Job> pending) implements Result {
        Mapped {
            pending = List.copyOf(pending);
        }
    }

    /** An update type this connector does not take (callback queries, channel posts...): nothing is stored. */
    record NotAMessage(String type) implements Result {
    }

    /** A message that is recorded as skipped rather than forwarded (service messages, unreadable input). */
    record Skip(Skipped skipped) implements Result {
    }

    /** The message a file belongs to, and where its pending downloads are collected. */
    private record Origin(String messageId, String threadKey, Author author, List<FileRetries.Job> pending,
                          int[] files) {
    }

    /** Fields of a Message that carry no content of their own. */
    private static final Set<String> FRAME = Set.of("message_id", "message_thread_id", "from", "sender_chat",
            "date", "chat", "edit_date", "reply_to_message", "is_topic_message", "entities", "caption_entities",
            "forward_origin", "forward_from", "forward_from_chat", "forward_date", "forward_sender_name",
            "is_automatic_forward", "via_bot", "has_protected_content", "media_group_id", "author_signature",
            "link_preview_options", "reply_markup", "quote", "external_reply", "sender_boost_count",
            "is_from_offline", "effect_id", "has_media_spoiler", "show_caption_above_media");

    private final ChannelRef channel;
    private final BotApi api;
    private final AttachmentStore store;
    private final long maxFileBytes;
    /** Whether a file that failed for a passing reason is fetched again later (else it is only noted). */
    private final boolean retries;

    UpdateMapper(ChannelRef channel, BotApi api, AttachmentStore store, long maxFileBytes, boolean retries) {
        this.channel = channel;
        this.api = api;
        this.store = store;
        this.maxFileBytes = maxFileBytes;
        this.retries = retries;
    }

    Result map(JsonNode update, Instant receivedAt) throws InterruptedException {
        if (update.path("callback_query").isObject()) {
            return pick(update, update.get("callback_query"), receivedAt);
        }
        boolean edited;
        JsonNode msg;
        if (update.path("message").isObject()) {
            edited = false;
            msg = update.get("message");
        } else if (update.path("edited_message").isObject()) {
            edited = true;
            msg = update.get("edited_message");
        } else {
            Iterator<String> names = update.fieldNames();
            String type = "unknown";
            while (names.hasNext()) {
                String n = names.next();
                if (!n.equals("update_id")) {
                    type = n;
                    break;
                }
            }
            return new NotAMessage(type);
        }
        JsonNode chat = msg.path("chat");
        if (!chat.path("id").canConvertToLong() || !msg.path("message_id").canConvertToLong()) {
            return new Skip(Skipped.deadLetter("update:" + update.path("update_id").asText("?"),
                    "Telegram message without chat.id or message_id", null));
        }
        long chatId = chat.get("id").asLong();
        if (msg.path("migrate_to_chat_id").canConvertToLong()) {
            return new Moved(new ThreadMove(String.valueOf(chatId), String.valueOf(msg.get("migrate_to_chat_id")
                    .asLong())));
        }
        if (msg.path("migrate_from_chat_id").canConvertToLong()) {
            return new Moved(new ThreadMove(String.valueOf(msg.get("migrate_from_chat_id").asLong()),
                    String.valueOf(chatId)));
        }
        long messageId = msg.get("message_id").asLong();
        String original = chatId + ":" + messageId;
        long date = msg.path("date").asLong(0);
        long editDate = msg.path("edit_date").asLong(date);
        String channelMessageId = edited ? original + ":edited:" + editDate : original;

        boolean topic = msg.path("is_topic_message").asBoolean(false)
                || (chat.path("is_forum").asBoolean(false) && msg.has("message_thread_id"));
        String threadKey = topic && msg.path("message_thread_id").canConvertToLong()
                ? chatId + ":" + msg.get("message_thread_id").asLong() : String.valueOf(chatId);

        Map<String, String> metadata = new LinkedHashMap<>();
        Author author = author(msg, chat, chatId, metadata);
        String chatType = chat.path("type").asText("");
        if (!chatType.isEmpty()) {
            metadata.put("telegram.chatType", chatType);
        }
        if (!"private".equals(chatType) && chat.hasNonNull("title")) {
            metadata.put("telegram.chatTitle", chat.get("title").asText());
        }
        if (update.has("update_id")) {
            metadata.put("telegram.updateId", update.get("update_id").asText());
        }
        if (edited) {
            metadata.put(Message.EDIT_OF, original);
        }

        List<String> lines = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        if (msg.hasNonNull("text")) {
            lines.add(msg.get("text").asText());
            entities(msg.path("entities"), metadata);
        } else if (msg.hasNonNull("caption")) {
            lines.add(msg.get("caption").asText());
            entities(msg.path("caption_entities"), metadata);
        }
        Origin origin = new Origin(channelMessageId, threadKey, author, new ArrayList<>(), new int[1]);
        content(msg, lines, attachments, origin);

        if (lines.isEmpty() && attachments.isEmpty()) {
            String kind = "empty";
            Iterator<String> names = msg.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!FRAME.contains(n)) {
                    kind = n;
                    break;
                }
            }
            return new Skip(Skipped.ignored(channelMessageId, "Telegram message without supported content ("
                    + kind + ")", null));
        }

        String replyTo = msg.path("reply_to_message").path("message_id").canConvertToLong()
                ? chatId + ":" + msg.get("reply_to_message").get("message_id").asLong() : null;

        return new Mapped(Message.builder()
                .direction(Direction.INBOUND)
                .channel(channel)
                .channelMessageId(channelMessageId)
                .threadKey(threadKey)
                .author(author)
                .text(String.join("\n", lines))
                .attachments(attachments)
                .replyTo(replyTo)
                .channelTimestamp(Instant.ofEpochSecond(edited ? editDate : date))
                .receivedAt(receivedAt)
                .tags(Set.of("telegram"))
                .metadata(metadata)
                .build(), origin.pending());
    }

    /**
     * A {@code callback_query}: the customer pressed a button of an inline keyboard. The pick becomes a message from
     * the query's {@code from} in the chat of the message that carried the keyboard, its text the button's label and
     * {@link Choices#CHOSEN} its {@code callback_data}. Telegram warns that a client can send any data, so the data
     * must be one of that message's buttons; when the message is too old for Telegram to include it (an
     * inaccessible message, {@code date} 0, no keyboard) only the data's shape is checked, and its text is the id.
     */
    private Result pick(JsonNode update, JsonNode query, Instant receivedAt) {
        String queryId = query.path("id").asText("");
        if (queryId.isEmpty()) {
            return new Skip(Skipped.deadLetter("update:" + update.path("update_id").asText("?"),
                    "Telegram callback query without id", null));
        }
        String sourceId = "callback:" + queryId;
        JsonNode msg = query.path("message");
        JsonNode chat = msg.path("chat");
        if (!chat.path("id").canConvertToLong() || !msg.path("message_id").canConvertToLong()) {
            return new Picked(new Skip(Skipped.ignored(sourceId, "Telegram button press without its chat (a message "
                    + "sent in inline mode)", null)), new CallbackAck(queryId, null, null));
        }
        long chatId = chat.get("id").asLong();
        long messageId = msg.get("message_id").asLong();
        CallbackAck refuse = new CallbackAck(queryId, String.valueOf(chatId), null);
        String data = query.hasNonNull("data") ? query.get("data").asText() : null;
        if (data == null || data.isEmpty()) {
            return new Picked(new Skip(Skipped.ignored(sourceId, "Telegram button press without callback data "
                    + "(a game button)", null)), refuse);
        }
        JsonNode keyboard = msg.path("reply_markup").path("inline_keyboard");
        String title = null;
        if (keyboard.isArray()) {
            for (JsonNode row : keyboard) {
                for (JsonNode button : row) {
                    if (data.equals(button.path("callback_data").asText(null))) {
                        title = button.path("text").asText(data);
                    }
                }
            }
            if (title == null) {
                return new Picked(new Skip(Skipped.ignored(sourceId, "Telegram button press with data its message "
                        + "did not offer", null)), refuse);
            }
        } else if (Choices.plausibleId(data)) {
            title = data;
        } else {
            return new Picked(new Skip(Skipped.ignored(sourceId, "Telegram button press with data that is no reply "
                    + "option of the hub", null)), refuse);
        }
        boolean topic = msg.path("is_topic_message").asBoolean(false)
                && msg.path("message_thread_id").canConvertToLong();
        String threadKey = topic ? chatId + ":" + msg.get("message_thread_id").asLong() : String.valueOf(chatId);
        Map<String, String> metadata = new LinkedHashMap<>();
        Author author = author(query, chat, chatId, metadata);
        String chatType = chat.path("type").asText("");
        if (!chatType.isEmpty()) {
            metadata.put("telegram.chatType", chatType);
        }
        if (update.has("update_id")) {
            metadata.put("telegram.updateId", update.get("update_id").asText());
        }
        metadata.put(Choices.CHOSEN, data);
        Message pick = Message.builder()
                .direction(Direction.INBOUND)
                .channel(channel)
                .channelMessageId(sourceId)
                .threadKey(threadKey)
                .author(author)
                .text(title)
                .replyTo(chatId + ":" + messageId)
                .channelTimestamp(receivedAt)
                .receivedAt(receivedAt)
                .tags(Set.of("telegram"))
                .metadata(metadata)
                .build();
        return new Picked(new Mapped(pick, List.of()), new CallbackAck(queryId, String.valueOf(chatId), messageId));
    }

    private static Author author(JsonNode msg, JsonNode chat, long chatId, Map<String, String> metadata) {
        JsonNode from = msg.path("from");
        String id;
        String name;
        if (from.path("id").canConvertToLong()) {
            id = String.valueOf(from.get("id").asLong());
            name = (from.path("first_name").asText("") + " " + from.path("last_name").asText("")).strip();
            if (from.hasNonNull("username")) {
                metadata.put("telegram.username", from.get("username").asText());
            }
        } else {
            // Anonymous group admins and channels speak as a chat.
            JsonNode sender = msg.path("sender_chat").isObject() ? msg.get("sender_chat") : chat;
            id = String.valueOf(sender.path("id").asLong(chatId));
            name = sender.path("title").asText("").strip();
            if (sender.hasNonNull("username")) {
                metadata.put("telegram.username", sender.get("username").asText());
            }
        }
        if (name.isEmpty()) {
            name = metadata.get("telegram.username");
        }
        return Author.customer(name, Address.chatUser(id));
    }

    /** The entities (bold, links, mentions...) as compact JSON; the text itself stays plain. */
    private static void entities(JsonNode entities, Map<String, String> metadata) {
        if (entities.isArray() && !entities.isEmpty()) {
            metadata.put("telegram.entities", entities.toString());
        }
    }

    private void content(JsonNode msg, List<String> lines, List<Attachment> attachments, Origin origin)
            throws InterruptedException {
        if (msg.path("photo").isArray() && !msg.get("photo").isEmpty()) {
            JsonNode largest = null;
            for (JsonNode size : msg.get("photo")) {
                if (largest == null || area(size) > area(largest)
                        || (area(size) == area(largest) && size.path("file_size").asLong(0)
                        > largest.path("file_size").asLong(0))) {
                    largest = size;
                }
            }
            file("photo", largest, "photo.jpg", "image/jpeg", lines, attachments, origin);
        }
        if (msg.path("document").isObject()) {
            file("document", msg.get("document"), null, "application/octet-stream", lines, attachments, origin);
        }
        if (msg.path("voice").isObject()) {
            file("voice", msg.get("voice"), "voice.ogg", "audio/ogg", lines, attachments, origin);
        }
        if (msg.path("audio").isObject()) {
            file("audio", msg.get("audio"), "audio.mp3", "audio/mpeg", lines, attachments, origin);
        }
        if (msg.path("video").isObject()) {
            file("video", msg.get("video"), "video.mp4", "video/mp4", lines, attachments, origin);
        }
        if (msg.path("video_note").isObject()) {
            file("video note", msg.get("video_note"), "video_note.mp4", "video/mp4", lines, attachments, origin);
        }
        if (msg.path("animation").isObject() && !msg.path("document").isObject()) {
            file("animation", msg.get("animation"), "animation.mp4", "video/mp4", lines, attachments, origin);
        }
        if (msg.path("sticker").isObject()) {
            String emoji = msg.get("sticker").path("emoji").asText("");
            lines.add(emoji.isEmpty() ? "[sticker]" : "[sticker " + emoji + "]");
        }
        if (msg.path("location").isObject() && !msg.path("venue").isObject()) {
            JsonNode loc = msg.get("location");
            lines.add("[location " + loc.path("latitude").asText("?") + ", " + loc.path("longitude").asText("?")
                    + "]");
        }
        if (msg.path("venue").isObject()) {
            JsonNode venue = msg.get("venue");
            JsonNode loc = venue.path("location");
            lines.add("[venue " + venue.path("title").asText("") + ", " + venue.path("address").asText("")
                    + " (" + loc.path("latitude").asText("?") + ", " + loc.path("longitude").asText("?") + ")]");
        }
        if (msg.path("contact").isObject()) {
            JsonNode c = msg.get("contact");
            lines.add(("[contact " + c.path("first_name").asText("") + " " + c.path("phone_number").asText(""))
                    .strip() + "]");
        }
    }

    private static long area(JsonNode size) {
        return size.path("width").asLong(0) * size.path("height").asLong(0);
    }

    private void file(String kind, JsonNode file, String defaultName, String defaultType, List<String> lines,
                      List<Attachment> attachments, Origin origin) throws InterruptedException {
        origin.files()[0]++;
        String mediaType = file.path("mime_type").asText(defaultType);
        if (mediaType.isBlank()) {
            mediaType = defaultType;
        }
        String name = FileNames.sanitize(file.hasNonNull("file_name") ? file.get("file_name").asText() : defaultName,
                mediaType);
        if (file.path("file_size").asLong(0) > maxFileBytes) {
            lines.add(tooLarge(kind, name));
            return;
        }
        String fileId = file.path("file_id").asText("");
        if (fileId.isEmpty()) {
            lines.add("[" + kind + " " + name + " not fetched: Telegram gave no file_id]");
            return;
        }
        try {
            attachments.add(fetch(fileId, name, mediaType));
        } catch (FileRetries.Failed f) {
            if (!f.retryable()) {
                lines.add("[" + kind + " " + name + " not fetched: " + f.getMessage() + "]");
            } else if (retries) {
                // A passing failure must not hold the message back (a 503 would have Telegram redeliver it, a
                // failed poll would stall every later update): stored now with a note, fetched again later.
                origin.pending().add(FileRetries.Job.of(origin.messageId(), origin.files()[0], kind + " " + name,
                        Map.of(FILE_ID, fileId, FILE_NAME, name, MEDIA_TYPE, mediaType), origin.threadKey(),
                        origin.author().displayName(), origin.author().address()));
                lines.add(FileRetries.pendingNote(kind + " " + name, f.getMessage()));
            } else {
                lines.add("[" + kind + " " + name + " could not be fetched: " + f.getMessage() + "]");
            }
        }
    }

    /** Keys of a retry job's source. */
    private static final String FILE_ID = "fileId";
    private static final String FILE_NAME = "fileName";
    private static final String MEDIA_TYPE = "mediaType";

    /** A background retry of a file a message could not fetch (see {@link FileRetries}). */
    Attachment again(FileRetries.Job job) throws FileRetries.Failed, InterruptedException {
        Map<String, String> source = job.source();
        if (source.get(FILE_ID) == null) {
            throw new FileRetries.Failed("the saved retry is unusable", false);
        }
        return fetch(source.get(FILE_ID), source.getOrDefault(FILE_NAME, "file"),
                source.getOrDefault(MEDIA_TYPE, "application/octet-stream"));
    }

    /**
     * getFile, then the download into the hub's storage.
     *
     * @throws FileRetries.Failed retryable for network errors, 5xx, 429 and 401; else with the reason for the note
     */
    private Attachment fetch(String fileId, String name, String mediaType)
            throws FileRetries.Failed, InterruptedException {
        JsonNode info;
        try {
            info = api.call("getFile", BotApi.JSON.createObjectNode().put("file_id", fileId));
        } catch (BotApiException e) {
            if (e.status() == 400) {
                // e.g. "Bad Request: file is too big" for files over the Bot API's download limit
                String d = e.description() == null ? "" : e.description().toLowerCase(java.util.Locale.ROOT);
                throw new FileRetries.Failed(d.contains("too big") ? largerThan()
                        : e.description() == null ? "HTTP 400" : e.description(), false);
            }
            throw new FileRetries.Failed(e.getMessage(), true);
        }
        if (info.path("file_size").asLong(0) > maxFileBytes) {
            throw new FileRetries.Failed(largerThan(), false);
        }
        String path = info.path("file_path").asText("");
        if (path.isEmpty()) {
            throw new FileRetries.Failed("Telegram gave no file_path", false);
        }
        try (InputStream in = api.download(path)) {
            return store.store(name, mediaType, in, maxFileBytes);
        } catch (AttachmentStore.AttachmentTooLargeException e) {
            throw new FileRetries.Failed(largerThan(), false);
        } catch (BotApiException e) {
            if (e.status() >= 400 && e.status() < 500 && e.status() != 429 && e.status() != 401) {
                throw new FileRetries.Failed("HTTP " + e.status(), false);
            }
            throw new FileRetries.Failed(e.getMessage(), true);
        } catch (IOException e) {
            throw new FileRetries.Failed("file download failed: " + e.getClass().getSimpleName(), true);
        }
    }

    private String largerThan() {
        String limit = maxFileBytes >= BOT_API_DOWNLOAD_LIMIT ? "the Bot API's 20 MB download limit"
                : "the configured " + megabytes(maxFileBytes) + " download limit (maxFileBytes)";
        return "larger than " + limit;
    }

    private String tooLarge(String kind, String name) {
        return "[" + kind + " " + name + " not fetched: " + largerThan() + "]";
    }

    private static String megabytes(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MB";
        }
        if (bytes >= 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return bytes + " bytes";
    }
}
