package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Choice;
import dev.omnibridge.spi.SentParts;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Sends through {@code POST /{phone-number-id}/messages}: text, media and the out-of-window template.
 *
 * <p>A reply becomes one or more messages. With exactly one image, video or document and a text of at most 1024
 * characters, the text is that file's caption and the file goes first; otherwise the text goes first (the hub has
 * split a longer one into several sends) and every file follows as its own message. All uploads happen before the first message is sent,
 * so an upload failure (retried by the hub) never leaves the customer with a part of the reply.
 */
final class WhatsAppSender {
    static final int TEXT_MAX = 4096;
    static final int CAPTION_MAX = 1024;
    /** Reply buttons: at most 3 per message, titles of at most 20 characters, ids of at most 256. */
    static final int MAX_BUTTONS = 3;
    static final int BUTTON_TITLE_MAX = 20;
    static final int BUTTON_ID_MAX = 256;
    /** A list message: at most 10 rows in all, row titles of at most 24 characters, row ids of at most 200. */
    static final int MAX_ROWS = 10;
    static final int ROW_TITLE_MAX = 24;
    static final int ROW_ID_MAX = 200;
    /** The body of an interactive message: at most 1024 characters. */
    static final int INTERACTIVE_BODY_MAX = 1024;
    /** The label of the button that opens a list: at most 20 characters. */
    private static final Map<String, String> LIST_BUTTON = Map.of("en", "Choose", "de", "Auswählen",
            "fr", "Choisir", "es", "Elegir", "it", "Scegli", "pt", "Escolher", "nl", "Kiezen");

    private final GraphApi api;
    private final MediaUploader uploader;
    private final String path;

    WhatsAppSender(GraphApi api, String phoneNumberId) {
        this.api = api;
        this.uploader = new MediaUploader(api, phoneNumberId);
        this.path = phoneNumberId + "/messages";
    }

    String template(String to, String name, String language) throws GraphException, InterruptedException {
        ObjectNode req = base(to).put("type", "template");
        req.putObject("template").put("name", name).putObject("language").put("code", language);
        return id(api.post(path, req));
    }

    /** Whether the options fit an interactive message: buttons for up to 3, a list for up to 10, ids in range. */
    static boolean fitInteractive(List<Choice> choices) {
        int idMax = choices.size() <= MAX_BUTTONS ? BUTTON_ID_MAX : ROW_ID_MAX;
        return choices.size() <= MAX_ROWS && choices.stream().allMatch(c -> c.id().length() <= idMax);
    }

    /**
     * Returns the first message's wamid: the one the desk's reply is known by. With {@code choices} (which must
     * {@link #fitInteractive fit}) the text's last part is an interactive message: reply buttons for up to three
     * options, a list above that.
     */
    String reply(String to, String text, String replyTo, List<OutboundMedia> media, List<Choice> choices,
                 String language, IntFunction<SentParts> progress) throws GraphException, InterruptedException {
        List<OutboundMedia> captionable = media.stream().filter(OutboundMedia::captionable).toList();
        OutboundMedia captioned = choices.isEmpty() && !text.isEmpty() && captionable.size() == 1
                && text.length() <= CAPTION_MAX ? captionable.get(0) : null;
        Map<OutboundMedia, String> ids = new IdentityHashMap<>();
        for (OutboundMedia m : media) {
            if (!m.byLink()) {
                ids.put(m, uploader.whatsApp(m));
            }
        }
        List<ObjectNode> messages = new ArrayList<>();
        if (captioned != null) {
            messages.add(mediaMessage(to, captioned, ids.get(captioned), text));
        } else {
            // The hub split a longer text into several sends (capabilities()): this one fits one message.
            if (!choices.isEmpty()) {
                messages.add(interactive(to, text, choices, language));
            } else if (!text.isEmpty()) {
                ObjectNode one = base(to).put("type", "text");
                one.putObject("text").put("body", text);
                messages.add(one);
            }
        }
        for (OutboundMedia m : media) {
            if (m != captioned) {
                messages.add(mediaMessage(to, m, ids.get(m), null));
            }
        }
        if (replyTo != null && !replyTo.isBlank() && !messages.isEmpty()) {
            messages.get(0).putObject("context").put("message_id", replyTo);
        }
        SentParts sent = progress.apply(messages.size());
        for (int i = sent.sent(); i < messages.size(); i++) {
            sent.accepted(id(api.post(path, messages.get(i))));
        }
        return sent.firstId();
    }

    /**
     * An interactive {@code button} message (reply buttons, {@code action.buttons[].reply.id|title}) for up to three
     * options, else a {@code list} message with one section of rows ({@code action.sections[0].rows[].id|title}) opened
     * by a button labelled in the customer's language. Titles longer than WhatsApp shows are cut with an ellipsis; the
     * pick comes back by its id.
     */
    static ObjectNode interactive(String to, String body, List<Choice> choices, String language) {
        ObjectNode req = base(to).put("type", "interactive");
        ObjectNode interactive = req.putObject("interactive");
        boolean buttons = choices.size() <= MAX_BUTTONS;
        interactive.put("type", buttons ? "button" : "list");
        interactive.putObject("body").put("text", body);
        ObjectNode action = interactive.putObject("action");
        if (buttons) {
            com.fasterxml.jackson.databind.node.ArrayNode list = action.putArray("buttons");
            for (Choice c : choices) {
                list.addObject().put("type", "reply").putObject("reply").put("id", c.id())
                        .put("title", cut(c.title(), BUTTON_TITLE_MAX));
            }
        } else {
            String lang = language == null ? "en" : language.toLowerCase(java.util.Locale.ROOT).split("[-_]")[0];
            action.put("button", LIST_BUTTON.getOrDefault(lang, LIST_BUTTON.get("en")));
            com.fasterxml.jackson.databind.node.ArrayNode rows = action.putArray("sections").addObject()
                    .putArray("rows");
            for (Choice c : choices) {
                rows.addObject().put("id", c.id()).put("title", cut(c.title(), ROW_TITLE_MAX));
            }
        }
        return req;
    }

    /** At most {@code max} characters (code points), the last an ellipsis when cut. */
    static String cut(String title, int max) {
        String t = title.strip();
        if (t.codePointCount(0, t.length()) <= max) {
            return t;
        }
        return t.substring(0, t.offsetByCodePoints(0, max - 1)).stripTrailing() + "…";
    }

    private ObjectNode mediaMessage(String to, OutboundMedia m, String mediaId, String caption) {
        ObjectNode req = base(to).put("type", m.kind());
        ObjectNode media = req.putObject(m.kind());
        if (mediaId != null) {
            media.put("id", mediaId);
        } else {
            media.put("link", m.link().toString());
        }
        if (caption != null) {
            media.put("caption", caption);
        }
        if (m.kind().equals("document")) {
            media.put("filename", m.fileName());
        }
        return req;
    }

    private static ObjectNode base(String to) {
        return GraphApi.JSON.createObjectNode().put("messaging_product", "whatsapp")
                .put("recipient_type", "individual").put("to", to);
    }

    private static String id(JsonNode res) throws GraphException {
        String id = res.path("messages").path(0).path("id").asText("");
        if (id.isEmpty()) {
            throw new GraphException("the Cloud API answered without messages[0].id", 200, null, null, null, null);
        }
        return id;
    }
}
