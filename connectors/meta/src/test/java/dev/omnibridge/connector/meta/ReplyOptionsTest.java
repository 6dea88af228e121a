package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.meta.Fixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reply options as WhatsApp interactive reply buttons / list messages and Messenger quick replies, and the picks
 * coming back with {@link Choices#CHOSEN}; payloads shaped from Meta's references (WhatsApp Cloud API "Interactive
 * reply buttons messages", "Interactive list messages", the messages webhook; Messenger Platform "Quick replies").
 */
class ReplyOptionsTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String WA_PATH = "/v23.0/" + Fixtures.PHONE_ID + "/messages";
    private static final String PAGE_PATH = "/v23.0/" + Fixtures.PAGE_ID + "/messages";

    private MetaConnector connector;
    private FakeConnectorContext ctx;

    private void start(Product product) {
        ctx = Fixtures.context(product, Fixtures.settings(wm, product));
        connector = new MetaConnector(product);
        connector.start(ctx);
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private static OutboundMessage offering(Conversation c, String text, String language, List<Choice> choices) {
        Message out = Message.builder().direction(Direction.OUTBOUND).channel(c.channel()).channelMessageId("out-1")
                .threadKey(c.threadKey()).author(new Author(Role.BOT, "Omnibridge", null)).text(text)
                .language(language).metadata(Choices.offer(Map.of(), choices)).receivedAt(Instant.now()).build();
        return new OutboundMessage(out, c, "idem-" + text.hashCode() + choices.size());
    }

    private Conversation whatsApp() {
        return Fixtures.conversationWithInbound(ctx, Product.WHATSAPP, "16505551234", Address.phone("+16505551234"),
                Instant.now().minus(Duration.ofMinutes(5)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Test
    void whatsAppSendsReplyButtonsUpToThreeAndAListAbove() {
        start(Product.WHATSAPP);
        assertThat(connector.capabilities().maxButtons()).isEqualTo(10);
        assertThat(connector.capabilities().maxButtonLabelLength()).isEqualTo(20);
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json("{\"messaging_product\":\"whatsapp\",\"contacts\":"
                + "[{\"input\":\"16505551234\",\"wa_id\":\"16505551234\"}],\"messages\":[{\"id\":\"wamid.SENT\"}]}")));
        Conversation c = whatsApp();

        connector.send(offering(c, "Did this answer your question?", "en", List.of(new Choice("yes", "Yes"),
                new Choice("no", "No, I need more help please"))));
        wm.verify(postRequestedFor(urlEqualTo(WA_PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"16505551234\","
                        + "\"type\":\"interactive\",\"interactive\":{\"type\":\"button\","
                        + "\"body\":{\"text\":\"Did this answer your question?\"},\"action\":{\"buttons\":["
                        + "{\"type\":\"reply\",\"reply\":{\"id\":\"yes\",\"title\":\"Yes\"}},"
                        + "{\"type\":\"reply\",\"reply\":{\"id\":\"no\",\"title\":\"No, I need more hel…\"}}]}}}")));

        List<Choice> rating = IntStream.rangeClosed(1, 5).mapToObj(i -> new Choice(String.valueOf(i), i + " ★"))
                .toList();
        connector.send(offering(c, "Wie zufrieden waren Sie?", "de-DE", rating));
        wm.verify(postRequestedFor(urlEqualTo(WA_PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"16505551234\","
                        + "\"type\":\"interactive\",\"interactive\":{\"type\":\"list\","
                        + "\"body\":{\"text\":\"Wie zufrieden waren Sie?\"},\"action\":{\"button\":\"Auswählen\","
                        + "\"sections\":[{\"rows\":[{\"id\":\"1\",\"title\":\"1 ★\"},{\"id\":\"2\",\"title\":\"2 ★\"},"
                        + "{\"id\":\"3\",\"title\":\"3 ★\"},{\"id\":\"4\",\"title\":\"4 ★\"},"
                        + "{\"id\":\"5\",\"title\":\"5 ★\"}]}]}}}")));
    }

    @Test
    void whatsAppButtonAndListRepliesArePicks() {
        start(Product.WHATSAPP);
        Inbound in = connector.onWebhook(signed(WebhookTest.waValue(
                "[{\"profile\":{\"name\":\"Sheena Nelson\"},\"wa_id\":\"16505551234\"}]",
                "[{\"from\":\"16505551234\",\"id\":\"wamid.P1\",\"timestamp\":\"1749416383\",\"type\":\"interactive\","
                        + "\"context\":{\"from\":\"15550783881\",\"id\":\"wamid.SENT\"},"
                        + "\"interactive\":{\"type\":\"button_reply\",\"button_reply\":{\"id\":\"no\","
                        + "\"title\":\"No, I need more hel…\"}}},"
                        + "{\"from\":\"16505551234\",\"id\":\"wamid.P2\",\"timestamp\":\"1749416390\",\"type\":\"interactive\","
                        + "\"context\":{\"from\":\"15550783881\",\"id\":\"wamid.SENT2\"},"
                        + "\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"4\",\"title\":\"4 ★\"}}}]",
                null))).inbound();
        assertThat(in.messages()).hasSize(2);
        Message no = in.messages().get(0);
        assertThat(no.text()).isEqualTo("No, I need more hel…");
        assertThat(no.metadata()).containsEntry(Choices.CHOSEN, "no");
        assertThat(no.replyTo()).isEqualTo("wamid.SENT");
        assertThat(no.author().address()).isEqualTo(Address.phone("+16505551234"));
        assertThat(in.messages().get(1).metadata()).containsEntry(Choices.CHOSEN, "4");
        assertThat(in.messages().get(1).text()).isEqualTo("4 ★");
    }

    @Test
    void messengerSendsQuickRepliesAndATappedOneIsAPick() {
        start(Product.MESSENGER);
        assertThat(connector.capabilities().maxButtons()).isEqualTo(13);
        wm.stubFor(post(urlEqualTo(PAGE_PATH)).willReturn(json(
                "{\"recipient_id\":\"6873453252741\",\"message_id\":\"m_SENT\"}")));
        Conversation c = Fixtures.conversationWithInbound(ctx, Product.MESSENGER, "6873453252741",
                Address.chatUser("6873453252741"), Instant.now().minus(Duration.ofMinutes(5)));
        connector.send(offering(c, "Did this answer your question?", "en", List.of(new Choice("yes", "Yes"),
                new Choice("no", "No"))));
        wm.verify(postRequestedFor(urlEqualTo(PAGE_PATH)).withRequestBody(equalToJson(
                "{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\",\"message\":{"
                        + "\"text\":\"Did this answer your question?\",\"quick_replies\":["
                        + "{\"content_type\":\"text\",\"title\":\"Yes\",\"payload\":\"yes\"},"
                        + "{\"content_type\":\"text\",\"title\":\"No\",\"payload\":\"no\"}]}}")));

        String tapped = "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Fixtures.PAGE_ID + "\",\"time\":1700000000500,"
                + "\"messaging\":[{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID
                + "\"},\"timestamp\":1700000000000,\"message\":{\"mid\":\"m_QR\",\"text\":\"Yes\","
                + "\"quick_reply\":{\"payload\":\"yes\"}}}]}]}";
        Message pick = connector.onWebhook(signed(tapped)).inbound().messages().get(0);
        assertThat(pick.text()).isEqualTo("Yes");
        assertThat(pick.metadata()).containsEntry(Choices.CHOSEN, "yes");
        assertThat(pick.threadKey()).isEqualTo("6873453252741");
    }

    @Test
    void optionsThatDoNotFitAreNumberedText() {
        start(Product.MESSENGER);
        wm.stubFor(post(urlEqualTo(PAGE_PATH)).willReturn(json(
                "{\"recipient_id\":\"6873453252741\",\"message_id\":\"m_SENT\"}")));
        Conversation c = Fixtures.conversationWithInbound(ctx, Product.MESSENGER, "6873453252741",
                Address.chatUser("6873453252741"), Instant.now().minus(Duration.ofMinutes(5)));
        connector.send(offering(c, "Pick", "en", List.of(new Choice("x".repeat(1001), "First"),
                new Choice("b", "Second"))));
        wm.verify(postRequestedFor(urlEqualTo(PAGE_PATH))
                .withRequestBody(matchingJsonPath("$.message.text", equalTo("Pick\n\n1. First\n2. Second")))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("quick_replies")));
    }
}
