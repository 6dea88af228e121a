package dev.omnibridge.hub.delivery;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ChannelCapabilities.TextUnit;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.SentParts;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Each channel is asked to send only what its capabilities say it carries, and a long reply goes out once, in order. */
class OutboundAdapterTest {
    private static final ChannelRef CHANNEL = new ChannelRef("sms", "sms-1");
    private static final List<Choice> RATING = List.of(new Choice("1", "Very poor"), new Choice("2", "Poor"),
            new Choice("3", "OK"), new Choice("4", "Good"), new Choice("5", "Excellent"));

    private static Message.Builder message(String text) {
        return Message.builder().id("m-1").direction(Direction.OUTBOUND).channel(CHANNEL).channelMessageId("m-1")
                .threadKey("t-1").conversationId("c-1").author(Author.agent("Alice")).text(text);
    }

    private static OutboundMessage outbound(Message m) {
        Conversation c = new Conversation("c-1", CHANNEL, "t-1", "contact-1", Address.phone("+15550001111"),
                ConversationStatus.OPEN, Map.of(), Instant.parse("2026-01-01T00:00:00Z"));
        return new OutboundMessage(m, c, "key-1");
    }

    private static ChannelCapabilities text(int max, TextUnit unit) {
        return ChannelCapabilities.builder().text(max, unit).build();
    }

    private static List<String> texts(List<OutboundMessage> parts) {
        return parts.stream().map(p -> p.message().text()).toList();
    }

    @Test
    void aLongTextIsSplitInOrderWithinTheLimitInEachUnit() {
        // Cyrillic is 2 bytes a letter in UTF-8, an emoji 2 UTF-16 units (a surrogate pair), '{' 2 SMS characters.
        String cyrillic = "Привет мир ".repeat(30);
        String emoji = "ok \uD83D\uDE00 ".repeat(40);
        String sms = "a{b} ".repeat(40);
        for (var c : List.of(new Object[] {cyrillic, 100, TextUnit.UTF8_BYTES}, new Object[] {emoji, 30,
                TextUnit.UTF16_UNITS}, new Object[] {emoji, 30, TextUnit.CODE_POINTS}, new Object[] {sms, 16,
                TextUnit.SMS_CHARACTERS})) {
            String text = (String) c[0];
            int max = (int) c[1];
            TextUnit unit = (TextUnit) c[2];

            List<OutboundMessage> parts = OutboundAdapter.adapt(outbound(message(text).build()), text(max, unit));

            assertThat(parts).as(unit.name()).hasSizeGreaterThan(1);
            assertThat(String.join("", texts(parts))).as("in order, nothing lost").isEqualTo(text);
            assertThat(parts).allSatisfy(p -> {
                String t = p.message().text();
                assertThat(unit.length(t)).as(unit + " within " + max).isLessThanOrEqualTo(max);
                assertThat(Character.isHighSurrogate(t.charAt(t.length() - 1))).as("no cut pair").isFalse();
            });
        }
        assertThat(OutboundAdapter.adapt(outbound(message("Привет").build()), text(12, TextUnit.UTF8_BYTES)))
                .as("12 bytes fit in one").hasSize(1);
        assertThat(texts(OutboundAdapter.adapt(outbound(message("Привет!").build()), text(12, TextUnit.UTF8_BYTES))))
                .as("13 bytes do not").containsExactly("Привет", "!");
    }

    @Test
    void partsHaveTheirOwnKeysTheFirstAnswersTheReplyToAndTheLastCarriesTheButtonsAndFiles() {
        Attachment pdf = new Attachment("a.pdf", "application/pdf", 10, "ab", URI.create("attachment:ab"));
        Message m = message("one two three four five").replyTo("in-7").attachments(List.of(pdf))
                .metadata(Choices.offer(Map.of(), RATING)).build();
        ChannelCapabilities caps = ChannelCapabilities.builder().text(10, TextUnit.UTF16_UNITS).buttons(5, 20)
                .media("*/*", 0).build();

        List<OutboundMessage> parts = OutboundAdapter.adapt(outbound(m), caps);

        assertThat(parts).extracting(OutboundMessage::idempotencyKey)
                .containsExactly("key-1-p1", "key-1-p2", "key-1-p3");
        assertThat(parts.get(0).message().replyTo()).isEqualTo("in-7");
        assertThat(parts.get(1).message().replyTo()).isNull();
        assertThat(parts.subList(0, 2)).allSatisfy(p -> {
            assertThat(Choices.of(p.message())).isEmpty();
            assertThat(p.message().attachments()).isEmpty();
        });
        assertThat(Choices.of(parts.get(2).message())).isEqualTo(RATING);
        assertThat(parts.get(2).message().attachments()).containsExactly(pdf);
    }

    @Test
    void aMessageThatFitsGoesAsItIsUnderTheDeliverysKey() {
        OutboundMessage o = outbound(message("Hi").build());
        assertThat(OutboundAdapter.adapt(o, text(1600, TextUnit.SMS_CHARACTERS))).containsExactly(o);
        assertThat(OutboundAdapter.adapt(o, ChannelCapabilities.plainText())).containsExactly(o);
    }

    @Test
    void optionsBeyondTheButtonsOrWithLabelsTooLongBecomeNumberedText() {
        Message m = message("How did we do?").metadata(Choices.offer(Map.of(), RATING)).build();
        String numbered = "How did we do?\n\n1. Very poor\n2. Poor\n3. OK\n4. Good\n5. Excellent";

        Message three = OutboundAdapter.fit(m, ChannelCapabilities.builder().buttons(3, 20).build());
        Message shortLabels = OutboundAdapter.fit(m, ChannelCapabilities.builder().buttons(10, 8).build());
        Message fits = OutboundAdapter.fit(m, ChannelCapabilities.builder().buttons(10, 9).build());

        assertThat(three.text()).as("never a partial set").isEqualTo(numbered);
        assertThat(three.metadata()).doesNotContainKey(Choices.OFFERED);
        assertThat(shortLabels.text()).as("'Excellent' is 9 characters").isEqualTo(numbered);
        assertThat(fits).isSameAs(m);
    }

    @Test
    void filesTheChannelDoesNotTakeBecomeALinkOrANoteInTheText() {
        Attachment photo = new Attachment("p.jpg", "image/jpeg", 1_000, "aa", URI.create("attachment:aa"));
        Attachment big = new Attachment("big.jpg", "image/jpeg", 6_000_000, "bb", URI.create("attachment:bb"));
        Attachment zip = new Attachment("x.zip", "application/zip", 10, null,
                URI.create("https://cdn.example.com/x.zip"));
        Message m = message("Here you go").attachments(List.of(photo, big, zip)).build();
        ChannelCapabilities images = ChannelCapabilities.builder().media("image/*", 5_000_000).build();

        Message fitted = OutboundAdapter.fit(m, images);

        assertThat(fitted.attachments()).containsExactly(photo);
        assertThat(fitted.text()).isEqualTo("Here you go\n\n[attachment not sent: big.jpg]\n"
                + "x.zip: https://cdn.example.com/x.zip");

        ChannelCapabilities urlOnly = images.toBuilder().mediaSource(ChannelCapabilities.MediaSource.URL_ONLY).build();
        assertThat(OutboundAdapter.fit(message("").attachments(List.of(photo)).build(), urlOnly).text())
                .as("a stored file cannot go where only URLs go").isEqualTo("[attachment not sent: p.jpg]");
        ChannelCapabilities any = ChannelCapabilities.builder().media("*/*", 0)
                .mediaSource(ChannelCapabilities.MediaSource.STORED_ONLY).build();
        assertThat(OutboundAdapter.fit(m, any).attachments()).containsExactly(photo, big);
    }

    @Test
    void htmlIsFlattenedWhereTheChannelHasNoRichText() {
        Message both = message("Hello Ann").html("<p>Hello <b>Ann</b></p>").build();
        Message htmlOnly = message("").html("<p>Hello&nbsp;<b>Ann</b> &amp; co</p><ul><li>one</li><li>two</li></ul>"
                + "<script>x()</script>").build();

        assertThat(OutboundAdapter.fit(both, ChannelCapabilities.plainText()).html()).isNull();
        assertThat(OutboundAdapter.fit(both, ChannelCapabilities.plainText()).text()).isEqualTo("Hello Ann");
        assertThat(OutboundAdapter.fit(htmlOnly, ChannelCapabilities.plainText()).text())
                .isEqualTo("Hello Ann & co\none\ntwo");
        ChannelCapabilities email = ChannelCapabilities.builder().richText(ChannelCapabilities.RichText.HTML).build();
        assertThat(OutboundAdapter.fit(both, email)).isSameAs(both);
    }

    @Test
    void aRetryGoesOnWithThePartTheChannelHasNotAcceptedEvenAfterARestart() {
        FakeConnectorContext context = new FakeConnectorContext("sms-1", ConfigDef.create(), Map.of());
        OutboundMessage reply = outbound(message("alpha beta gamma delta epsilon").build());
        ChannelCapabilities caps = text(12, TextUnit.UTF16_UNITS);
        List<String> sent = new ArrayList<>();
        int[] failAt = {2};
        OutboundAdapter.PartSender channel = part -> {
            if (sent.size() + 1 == failAt[0]) {
                failAt[0] = -1;
                throw DeliveryException.retryable("HTTP 503", null);
            }
            sent.add(part.idempotencyKey() + "=" + part.message().text());
            return "id-" + sent.size();
        };

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> OutboundAdapter.send(reply, caps, channel, log(context)));
        assertThat(e.isRetryable()).isTrue();
        assertThat(e).hasMessage("part 2 of 3 (part 1 was sent): HTTP 503");

        // A restarted hub hands the instance the offsets the journal kept.
        ConnectorContext restarted = context.restartedAs(ConfigDef.create(), Map.of());
        String id = OutboundAdapter.send(reply, caps, channel, log(restarted));

        assertThat(id).as("the reply stays known by its first part").isEqualTo("id-1");
        assertThat(sent).containsExactly("key-1-p1=alpha beta ", "key-1-p2=gamma delta ", "key-1-p3=epsilon");
    }

    @Test
    void aMessageOfOnePartNeverTouchesTheJournal() {
        FakeConnectorContext context = new FakeConnectorContext("sms-1", ConfigDef.create(), Map.of());
        assertThat(OutboundAdapter.send(outbound(message("Hi").build()), text(12, TextUnit.UTF16_UNITS),
                part -> "id-1", log(context))).isEqualTo("id-1");
        assertThat(context.offsets()).isEmpty();
    }

    @Test
    void aCustomerUnreachableAfterAFirstPartIsNotRetriedElsewhereAndTooManyPartsAreRefused() {
        OutboundMessage reply = outbound(message("alpha beta gamma delta epsilon").build());
        List<String> sent = new ArrayList<>();
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> OutboundAdapter.send(reply,
                text(12, TextUnit.UTF16_UNITS), part -> {
                    if (!sent.isEmpty()) {
                        throw DeliveryException.unreachable("opted out");
                    }
                    sent.add(part.message().text());
                    return "id-1";
                }, null));
        assertThat(e.customerUnreachable()).as("the reply fallback would repeat part 1").isFalse();
        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);

        ChannelCapabilities twoParts = text(12, TextUnit.UTF16_UNITS).toBuilder().maxParts(2).build();
        DeliveryException tooLong = catchThrowableOfType(DeliveryException.class,
                () -> OutboundAdapter.adapt(reply, twoParts));
        assertThat(tooLong.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(tooLong).hasMessageContaining("needs 3 messages");
    }

    @Test
    @SuppressWarnings("deprecation")
    void aConnectorWrittenBeforeCapabilitiesKeepsItsButtons() {
        ChannelConnector old = new ChannelConnector() {
            @Override
            public String send(OutboundMessage outbound) {
                return "x";
            }

            @Override
            public int maxChoices() {
                return 5;
            }

            @Override
            public void start(ConnectorContext context) {
            }

            @Override
            public void stop() {
            }
        };
        assertThat(old.capabilities().maxButtons()).isEqualTo(5);
        assertThat(old.capabilities().maxTextLength()).as("no limit known").isZero();
        Attachment file = new Attachment("a.bin", "application/octet-stream", 1 << 30, "ab", URI.create("attachment:ab"));
        Message rich = message("Hi").html("<b>Hi</b>").attachments(List.of(file)).build();
        assertThat(OutboundAdapter.fit(rich, old.capabilities())).as("sent as before capabilities existed")
                .isSameAs(rich);
    }

    private static OutboundAdapter.PartLog log(ConnectorContext context) {
        return (key, total) -> SentParts.resume(context, key, total);
    }
}
