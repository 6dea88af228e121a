package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.spi.ChannelCapabilities;
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

/**
 * The dispatcher sends each channel what its capabilities say it carries ({@link OutboundAdapter}): reply options as
 * buttons or, where it has too few, as numbered text; a long text as several sends in order; a stored file the
 * channel cannot carry as the hub's link in the text.
 */
class CapabilitiesDispatchTest {
    private static final String SHA = "0123456789abcdef".repeat(4);
    private static final Attachment QUOTE = new Attachment("quote.pdf", "application/pdf", 12, SHA,
            java.net.URI.create("attachment:" + SHA));
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

    /** Channel instance "web" with {@code capabilities}; records what it is asked to send. */
    private static final class Channel implements DeliveryTargets {
        final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        final List<DeskDelivery> desk = new CopyOnWriteArrayList<>();
        volatile ChannelCapabilities capabilities = ChannelCapabilities.plainText();

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
            return instanceId.equals("web") ? capabilities : ChannelCapabilities.plainText();
        }

        /** Links as the hub's would look. */
        @Override
        public StoredFileLinks fileLinks() {
            return a -> java.util.Optional.of("https://hub.example.com/files/" + a.sha256() + "?exp=1&sig=s");
        }
    }

    /** A dispatcher serving {@code channel}, and one conversation the desk already has. */
    private Channel startWithOneConversation() throws Exception {
        rig = new DeliveryRig(dir, "desk");
        Channel channel = new Channel();
        rig.serve(new Dispatcher(rig.store, rig.journal, channel, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 5, 4, Clock.systemUTC(),
                HubConfig.Delivery.DEFAULT_WINDOW));
        rig.submit(DeliveryRig.customerMessage("thread-1", "hello").build()).get(10, TimeUnit.SECONDS);
        Poll.until("the desk has the message", () -> channel.desk.size() == 1, () -> channel.desk.size());
        return channel;
    }

    /** The reply, offering the 1-5 rating, as the channel got it. */
    private OutboundMessage replyWithRating(Channel channel, String replyId) throws Exception {
        return reply(channel, replyId, "How did we do?", 1).get(0);
    }

    /** The desk's reply with this text (offering the rating), as the channel got it in {@code sends} calls. */
    private List<OutboundMessage> reply(Channel channel, String replyId, String text, int sends) throws Exception {
        String conversation = channel.desk.get(0).conversation().id();
        return reply(channel, replyId, text, List.of(),
                Choices.offer(Map.of(DeskReply.CONVERSATION_ID, conversation), RATING), sends);
    }

    private List<OutboundMessage> reply(Channel channel, String replyId, String text, List<Attachment> files,
                                        Map<String, String> metadata, int sends) throws Exception {
        int before = channel.sent.size();
        String conversation = channel.desk.get(0).conversation().id();
        // The conversation id too: the reply reaches it even before the hub has recorded the desk's ticket.
        rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(DeskReply.builder("T-" + conversation,
                replyId, Author.agent("Alice")).text(text).attachments(files).metadata(metadata).build()))))
                .get(10, TimeUnit.SECONDS);
        Poll.until("the reply is sent", () -> channel.sent.size() == before + sends, () -> channel.sent.size());
        return List.copyOf(channel.sent.subList(before, before + sends));
    }

    @Test
    void aChannelWithoutButtonsGetsTheOptionsNumberedInTheTextAndAChannelWithEnoughGetsThemAsOffered()
            throws Exception {
        Channel channel = startWithOneConversation();

        channel.capabilities = ChannelCapabilities.plainText(); // like SMS
        OutboundMessage sms = replyWithRating(channel, "r-1");
        assertThat(sms.message().text()).isEqualTo("How did we do?\n\n1. Very poor\n2. Poor\n3. OK\n4. Good\n"
                + "5. Excellent");
        assertThat(sms.message().metadata()).doesNotContainKey(Choices.OFFERED);

        channel.capabilities = ChannelCapabilities.builder().buttons(4, 0).build(); // never a partial set
        assertThat(Choices.of(replyWithRating(channel, "r-2").message())).isEmpty();

        channel.capabilities = ChannelCapabilities.builder().buttons(10, 20).build(); // like webchat or Telegram
        OutboundMessage chat = replyWithRating(channel, "r-3");
        assertThat(chat.message().text()).isEqualTo("How did we do?");
        assertThat(Choices.of(chat.message())).isEqualTo(RATING);

        // A text over the channel's limit goes as several sends, in order, the buttons on the last one; the
        // delivery is known by the first part's id.
        channel.capabilities = ChannelCapabilities.builder().text(10, ChannelCapabilities.TextUnit.UTF16_UNITS)
                .buttons(10, 20).build();
        String text = "Thanks for waiting, how did we do?";
        int n = dev.omnibridge.text.TextParts.split(text, 10, dev.omnibridge.text.TextParts.UTF16_UNITS).size();
        List<OutboundMessage> parts = reply(channel, "r-4", text, n);
        assertThat(n).isGreaterThan(2);
        assertThat(String.join("", parts.stream().map(p -> p.message().text()).toList())).isEqualTo(text);
        assertThat(parts).allMatch(p -> p.message().text().length() <= 10);
        assertThat(parts.get(0).idempotencyKey()).endsWith("-p1");
        assertThat(parts.get(n - 1).idempotencyKey()).endsWith("-p" + n);
        assertThat(Choices.of(parts.get(n - 1).message())).isEqualTo(RATING);
        assertThat(Choices.of(parts.get(0).message())).isEmpty();
    }

    @Test
    void aStoredFileTheChannelCannotCarryArrivesAsALinkInTheText() throws Exception {
        Channel channel = startWithOneConversation();
        Map<String, String> toConversation = Map.of(DeskReply.CONVERSATION_ID,
                channel.desk.get(0).conversation().id());

        channel.capabilities = ChannelCapabilities.builder().text(1600, ChannelCapabilities.TextUnit.SMS_CHARACTERS)
                .build(); // text only, like SMS
        OutboundMessage sms = reply(channel, "r-1", "Your quote", List.of(QUOTE), toConversation, 1).get(0);
        assertThat(sms.message().attachments()).isEmpty();
        assertThat(sms.message().text()).isEqualTo("Your quote\n\nquote.pdf: https://hub.example.com/files/" + SHA
                + "?exp=1&sig=s");

        channel.capabilities = ChannelCapabilities.undeclared(); // carries any file: no link
        OutboundMessage chat = reply(channel, "r-2", "Your quote", List.of(QUOTE), toConversation, 1).get(0);
        assertThat(chat.message().attachments()).containsExactly(QUOTE);
        assertThat(chat.message().text()).isEqualTo("Your quote");
    }
}
