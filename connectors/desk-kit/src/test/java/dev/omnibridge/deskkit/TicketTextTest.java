package dev.omnibridge.deskkit;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TicketTextTest {
    private static final ChannelRef SMS = new ChannelRef("twilio-sms", "sms");

    private static DeskDelivery delivery(Message m, Contact contact) {
        Conversation conv = new Conversation("conv-1", SMS, "t-1", contact.id(), Address.phone("+14155550123"),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new DeskDelivery(m, conv, contact, null, "key-1");
    }

    private static Message.Builder message(String text) {
        return Message.builder().channel(SMS).channelMessageId("m-1").threadKey("t-1")
                .author(Author.customer(null, Address.phone("+14155550123"))).text(text);
    }

    @Test
    void subjectIsTheFirstLineShortenedWhenTheMessageHasNone() {
        Contact ann = new Contact("c-1", "Ann", List.of());
        String longLine = "Where is my order? ".repeat(10).strip();

        assertThat(TicketText.subject(delivery(message(longLine + "\nsecond line").build(), ann)))
                .hasSize(80).startsWith("Where is my order?").endsWith("…");
        assertThat(TicketText.subject(delivery(message("").build(), ann))).isEqualTo("Conversation on twilio-sms");
        assertThat(TicketText.subject(delivery(message("hi").subject(" Refund ").build(), ann))).isEqualTo("Refund");
    }

    @Test
    void tagsNameTheChannelAndLanguageInAFormEveryDeskAccepts() {
        Contact ann = new Contact("c-1", "Ann", List.of());
        Message m = message("hi").language("pt-BR").tags(Set.of("VIP customer!")).build();

        assertThat(TicketText.tags(delivery(m, ann)))
                .containsExactlyInAnyOrder("omnibridge", "channel-twilio-sms", "lang-pt-br", "vip-customer");
    }

    @Test
    void theHubsLanguageTagAndTheLanguageFieldReachTheDeskAsOneTag() {
        Contact ann = new Contact("c-1", "Ann", List.of());
        Message m = message("Hallo").language("de").tags(Set.of("lang:de", "urgent")).build();

        assertThat(TicketText.tags(delivery(m, ann)))
                .containsExactlyInAnyOrder("omnibridge", "channel-twilio-sms", "lang-de", "urgent");
    }

    @Test
    void bodyMarksEditsAndNamesFilesThatAreNotInStorage() {
        Message m = message("New address: Main St 5").metadata(Map.of(Message.EDIT_OF, "m-0"))
                .attachments(List.of(
                        new Attachment("a.png", "image/png", 10, "ab", URI.create("attachment:ab")),
                        new Attachment("b.pdf", "application/pdf", -1, null, URI.create("https://cdn.example/b"))))
                .build();

        assertThat(TicketText.body(m)).isEqualTo(
                "(edited message) New address: Main St 5\n[file not attached: b.pdf, application/pdf]");
        assertThat(TicketText.body(message("").attachments(m.attachments().subList(0, 1)).build()))
                .isEqualTo("(file sent)");
    }

    @Test
    void requesterIdentityComesFromTheContactThenTheAuthor() {
        Contact both = new Contact("c-1", null, List.of(Address.email("Ann@Example.com"), Address.phone("+14155550123")));

        DeskDelivery d = delivery(message("hi").build(), both);

        assertThat(TicketText.email(both)).contains("ann@example.com");
        assertThat(TicketText.phone(both)).contains("+14155550123");
        assertThat(TicketText.requesterName(d)).isEqualTo("Customer on twilio-sms");
        assertThat(TicketText.requesterName(delivery(message("hi").build(), new Contact("c-2", "Bo", List.of()))))
                .isEqualTo("Bo");
    }

    @Test
    void severalMessagesInOneCommentEachOpenWithTheirTimeAndAuthorInOrder() {
        Message first = message("Hello").author(Author.customer("Ann", Address.phone("+14155550123")))
                .channelTimestamp(Instant.parse("2025-03-01T10:15:30Z")).receivedAt(Instant.parse("2025-03-01T10:15:31Z"))
                .build();
        Message second = message("").attachments(List.of(new Attachment("a.png", "image/png", 3, null,
                URI.create("https://files.example/a.png")))).receivedAt(Instant.parse("2025-03-01T10:16:02Z")).build();

        assertThat(TicketText.combined(List.of(first, second))).isEqualTo("""
                [2025-03-01 10:15:30 UTC] Ann
                Hello

                [2025-03-01 10:16:02 UTC]
                (file sent)
                [file not attached: a.png, image/png]""");
        assertThat(TicketText.combined(List.of(first))).as("one message alone is its plain body").isEqualTo("Hello");
    }
}
