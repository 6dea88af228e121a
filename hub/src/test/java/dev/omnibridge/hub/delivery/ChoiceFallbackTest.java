package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A message offering reply options reaches each channel as buttons or, where it has too few, as numbered text. */
class ChoiceFallbackTest {
    private static final List<Choice> RATING = List.of(new Choice("1", "Very poor"), new Choice("2", "Poor"),
            new Choice("3", "OK"), new Choice("4", "Good"), new Choice("5", "Excellent"));

    @TempDir
    Path dir;

    private DeliveryRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    /** Channel instance "web" showing {@code maxChoices} buttons; records what it is asked to send. */
    private static final class Channel implements DeliveryTargets {
        final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        final List<DeskDelivery> desk = new CopyOnWriteArrayList<>();
        volatile int maxChoices;

        @Override
        public DeskResult deliverToDesk(String instanceId, DeskDelivery delivery) {
            desk.add(delivery);
            return new DeskResult("T-" + delivery.conversation().id(), "item-" + delivery.message().id());
        }

        @Override
        public String sendToChannel(String instanceId, OutboundMessage message) {
            sent.add(message);
            return "sent-" + message.message().id();
        }

        @Override
        public int maxChoices(String instanceId) {
            return instanceId.equals("web") ? maxChoices : 0;
        }
    }

    /** The reply, offering the 1-5 rating, as the channel got it. */
    private OutboundMessage replyWithRating(Channel channel, String replyId) throws Exception {
        int before = channel.sent.size();
        String conversation = channel.desk.get(0).conversation().id();
        // The conversation id too: the reply reaches it even before the hub has recorded the desk's ticket.
        rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(new DeskReply("T-" + conversation,
                replyId, Author.agent("Alice"), "How did we do?", null, null, null,
                Choices.offer(Map.of(DeskReply.CONVERSATION_ID, conversation), RATING))))))
                .get(10, TimeUnit.SECONDS);
        Poll.until("the reply is sent", () -> channel.sent.size() == before + 1, () -> channel.sent.size());
        return channel.sent.get(before);
    }

    @Test
    void aChannelWithoutButtonsGetsTheOptionsNumberedInTheTextAndAChannelWithEnoughGetsThemAsOffered()
            throws Exception {
        rig = new DeliveryRig(dir, "desk");
        Channel channel = new Channel();
        rig.serve(new Dispatcher(rig.store, rig.journal, channel, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 5, 4, Clock.systemUTC(),
                HubConfig.Delivery.DEFAULT_WINDOW));
        rig.submit(DeliveryRig.customerMessage("thread-1", "hello").build()).get(10, TimeUnit.SECONDS);
        Poll.until("the desk has the message", () -> channel.desk.size() == 1, () -> channel.desk.size());

        channel.maxChoices = 0; // like SMS
        OutboundMessage sms = replyWithRating(channel, "r-1");
        assertThat(sms.message().text()).isEqualTo("How did we do?\n\n1. Very poor\n2. Poor\n3. OK\n4. Good\n"
                + "5. Excellent");
        assertThat(sms.message().metadata()).doesNotContainKey(Choices.OFFERED);

        channel.maxChoices = 4; // fewer buttons than options: never a partial set
        assertThat(Choices.of(replyWithRating(channel, "r-2").message())).isEmpty();

        channel.maxChoices = 10; // like webchat or Telegram
        OutboundMessage chat = replyWithRating(channel, "r-3");
        assertThat(chat.message().text()).isEqualTo("How did we do?");
        assertThat(Choices.of(chat.message())).isEqualTo(RATING);
    }

    @Test
    void aMessageWithoutOptionsIsSentAsItIs() {
        var plain = DeliveryRig.customerMessage("t", "Hi").build();
        assertThat(ChoiceFallback.forChannel(plain, 0)).isSameAs(plain);
    }
}
