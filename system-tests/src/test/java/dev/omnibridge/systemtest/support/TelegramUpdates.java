package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * Bot API objects as Telegram sends them (https://core.telegram.org/bots/api#update): Update, Message, User, Chat,
 * PhotoSize and Document, with the fields and nesting of the reference. Built as JSON trees so a test can add fields.
 */
public final class TelegramUpdates {
    private TelegramUpdates() {
    }

    /** A person writing to the bot. */
    public record TgUser(long id, String firstName, String lastName, String username) {
        public String displayName() {
            return lastName == null ? firstName : firstName + " " + lastName;
        }

        public ObjectNode node() {
            ObjectNode user = Json.object().put("id", id).put("is_bot", false).put("first_name", firstName);
            if (lastName != null) {
                user.put("last_name", lastName);
            }
            if (username != null) {
                user.put("username", username);
            }
            return user.put("language_code", "en");
        }

        /** The private chat of this user with the bot: its id is the user's id. */
        public ObjectNode privateChat() {
            ObjectNode chat = Json.object().put("id", id).put("first_name", firstName);
            if (lastName != null) {
                chat.put("last_name", lastName);
            }
            if (username != null) {
                chat.put("username", username);
            }
            return chat.put("type", "private");
        }
    }

    /** A basic group chat (negative id). */
    public static ObjectNode groupChat(long id, String title) {
        return Json.object().put("id", id).put("title", title).put("type", "group")
                .put("all_members_are_administrators", true);
    }

    /** {@code {"update_id":..,"message":{...}}}. */
    public static ObjectNode messageUpdate(long updateId, ObjectNode message) {
        ObjectNode update = Json.object().put("update_id", updateId);
        update.set("message", message);
        return update;
    }

    /** {@code {"update_id":..,"edited_message":{...}}}. */
    public static ObjectNode editedMessageUpdate(long updateId, ObjectNode message) {
        ObjectNode update = Json.object().put("update_id", updateId);
        update.set("edited_message", message);
        return update;
    }

    /** A Message frame without content: message_id, from, chat, date. */
    public static ObjectNode message(long messageId, TgUser from, ObjectNode chat, Instant date) {
        ObjectNode message = Json.object().put("message_id", messageId);
        message.set("from", from.node());
        message.set("chat", chat.deepCopy());
        message.put("date", date.getEpochSecond());
        return message;
    }

    /** A text message in the user's private chat. */
    public static ObjectNode textMessage(long messageId, TgUser from, Instant date, String text) {
        return message(messageId, from, from.privateChat(), date).put("text", text);
    }

    /** The same message after an edit at {@code editDate}, with the new text. */
    public static ObjectNode edited(ObjectNode original, Instant editDate, String newText) {
        return original.deepCopy().put("edit_date", editDate.getEpochSecond()).put("text", newText);
    }

    /** Adds a photo: the sizes Telegram offers, smallest first; each a PhotoSize with its own file_id. */
    public static ObjectNode withPhoto(ObjectNode message, String caption, PhotoSize... sizes) {
        ArrayNode photo = message.putArray("photo");
        for (PhotoSize size : sizes) {
            photo.add(Json.object().put("file_id", size.fileId()).put("file_unique_id", size.fileUniqueId())
                    .put("file_size", size.fileSize()).put("width", size.width()).put("height", size.height()));
        }
        if (caption != null) {
            message.put("caption", caption);
        }
        return message;
    }

    public record PhotoSize(String fileId, String fileUniqueId, long fileSize, int width, int height) {
    }

    /** Adds a document (a file sent as a file, not as a photo). */
    public static ObjectNode withDocument(ObjectNode message, String fileId, String fileUniqueId, String fileName,
                                          String mimeType, long fileSize, String caption) {
        message.putObject("document").put("file_name", fileName).put("mime_type", mimeType)
                .put("file_id", fileId).put("file_unique_id", fileUniqueId).put("file_size", fileSize);
        if (caption != null) {
            message.put("caption", caption);
        }
        return message;
    }

    /** Marks the message as a reply: Telegram embeds the replied-to Message (without its own reply_to_message). */
    public static ObjectNode replyingTo(ObjectNode message, ObjectNode repliedTo) {
        ObjectNode embedded = repliedTo.deepCopy();
        embedded.remove("reply_to_message");
        message.set("reply_to_message", embedded);
        return message;
    }
}
