package dev.omnibridge.connector.telegram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The Bot API calls that follow a press on an inline keyboard button, off the polling and webhook threads:
 * {@code answerCallbackQuery} (Telegram's apps show a progress indicator until the bot answers) and
 * {@code editMessageReplyMarkup} without a markup, which removes the keyboard of the message whose option was picked
 * so the same question is not answered twice. Both are hints: a failure is logged and forgotten.
 */
final class CallbackAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackAnswers.class);

    private final String instance;
    private final BotApi api;
    private final ExecutorService worker;

    CallbackAnswers(String instance, BotApi api) {
        this.instance = instance;
        this.api = api;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "telegram-callbacks-" + instance);
            t.setDaemon(true);
            return t;
        });
    }

    /** Answers the query, then removes the keyboard of an accepted pick. */
    void answer(UpdateMapper.CallbackAck ack) {
        run(() -> {
            call("answerCallbackQuery", BotApi.JSON.createObjectNode().put("callback_query_id", ack.queryId()));
            removeNow(ack);
        });
    }

    /** Removes the keyboard of an accepted pick (the query being answered another way). */
    void removeKeyboard(UpdateMapper.CallbackAck ack) {
        if (ack.messageId() != null) {
            run(() -> removeNow(ack));
        }
    }

    void stop() {
        worker.shutdownNow();
    }

    private void removeNow(UpdateMapper.CallbackAck ack) throws InterruptedException {
        if (ack.messageId() != null) {
            call("editMessageReplyMarkup", BotApi.JSON.createObjectNode()
                    .put("chat_id", Long.parseLong(ack.chatId())).put("message_id", ack.messageId()));
        }
    }

    private void call(String method, ObjectNode params) throws InterruptedException {
        try {
            api.call(method, params);
        } catch (BotApiException e) {
            LOG.debug("{}: {} failed: {}", instance, method, e.getMessage());
        }
    }

    private interface Call {
        void run() throws InterruptedException;
    }

    private void run(Call call) {
        try {
            worker.execute(() -> {
                try {
                    call.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }
}
