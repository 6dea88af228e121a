package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: the dispatcher writes a desk reply's stored file into the text as the hub's link where the channel
 * cannot carry the file (an SMS-like channel), and keeps the file where it can.
 */
class StoredFileLinkDispatchTest {
    private static final String SHA = "0123456789abcdef".repeat(4);
    private static final Attachment QUOTE = new Attachment("quote.pdf", "application/pdf", 12, SHA,
            URI.create("attachment:" + SHA));

    @TempDir
    Path dir;
    private DeliveryRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    /** Channel instance "sms" (text only) next to the desk; links as the hub's would look. */
    private static final class Targets implements DeliveryTargets {
        final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        final List<DeskDelivery> desk = new CopyOnWriteArrayList<>();
        volatile ChannelCapabilities capabilities = ChannelCapabilities.builder()
                .text(1600, ChannelCapabilities.TextUnit.SMS_CHARACTERS).build();

        @Override
        public DeskResult deliverToDesk(String instanceId, DeskDelivery delivery) {
            desk.add(delivery);
            return new DeskResult("T-" + delivery.conversation().id(), "item-" + delivery.message().id());
        }

        @Override
        public String sendToChannel(String instanceId, OutboundMessage message) {
            sent.add(message);
            return "sent-" + message.idempotencyKey();
        }

        @Override
        public ChannelCapabilities capabilities(String instanceId) {
            return capabilities;
        }

        @Override
        public StoredFileLinks fileLinks() {
            return a -> Optional.of("https://hub.example.com/files/" + a.sha256() + "?exp=1&sig=s");
        }
    }

    @Test
    void aStoredFileTheChannelCannotCarryArrivesAsALinkInTheText() throws Exception {
        rig = new DeliveryRig(dir, "desk");
        Targets targets = new Targets();
        rig.serve(new Dispatcher(rig.store, rig.journal, targets, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 5, 4, Clock.systemUTC(),
                HubConfig.Delivery.DEFAULT_WINDOW));
        rig.submit(DeliveryRig.customerMessage("thread-1", "hello").build()).get(10, TimeUnit.SECONDS);
        Poll.until("the desk has the message", () -> targets.desk.size() == 1, () -> targets.desk.size());
        String conversation = targets.desk.get(0).conversation().id();

        OutboundMessage sms = reply(targets, conversation, "r-1");
        assertThat(sms.message().attachments()).isEmpty();
        assertThat(sms.message().text()).isEqualTo("Your quote\n\nquote.pdf: https://hub.example.com/files/" + SHA
                + "?exp=1&sig=s");

        targets.capabilities = ChannelCapabilities.undeclared(); // carries any file: no link
        OutboundMessage chat = reply(targets, conversation, "r-2");
        assertThat(chat.message().attachments()).containsExactly(QUOTE);
        assertThat(chat.message().text()).isEqualTo("Your quote");
    }

    private OutboundMessage reply(Targets targets, String conversation, String replyId) throws Exception {
        int before = targets.sent.size();
        rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(new DeskReply("T-" + conversation,
                replyId, Author.agent("Alice"), "Your quote", null, List.of(QUOTE), null,
                Map.of(DeskReply.CONVERSATION_ID, conversation)))))).get(10, TimeUnit.SECONDS);
        Poll.until("the reply is sent", () -> targets.sent.size() == before + 1, () -> targets.sent.size());
        return targets.sent.get(before);
    }
}
