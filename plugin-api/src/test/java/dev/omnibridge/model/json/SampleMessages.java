package dev.omnibridge.model.json;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Messages used by the JSON tests. */
final class SampleMessages {
    static final ChannelRef CHANNEL = new ChannelRef("webhook-channel", "web");

    private SampleMessages() {
    }

    /** Every field set, with non-ASCII text (accents, emoji incl. a ZWJ sequence, Hebrew and Arabic) and nanos. */
    static Message full() {
        return Message.builder()
                .id("msg-0001")
                .direction(Direction.INBOUND)
                .channel(CHANNEL)
                .channelMessageId("wamid.HBgLMTQxNTU1NTAxMDA=")
                .threadKey("+14155550100")
                .conversationId("conv-42")
                .author(new Author(Role.CUSTOMER, "שרה כהן 👩‍💻", Address.phone("+14155550100")))
                .subject("Réclamation 📦 — طلب رقم 7")
                .text("Olá! 👋🏽 My order hasn't arrived.\nשלום, ההזמנה לא הגיעה.\nمرحبا\t\"quoted\" \\ backslash \u0000 nul")
                .html("<p>Ol&aacute;! 👋🏽 <b>שלום</b></p>")
                .attachments(List.of(
                        new Attachment("photo.jpg", "image/jpeg", 48_213,
                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                URI.create("attachment:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")),
                        new Attachment("résumé 📄.pdf", "application/pdf", -1, null,
                                URI.create("https://cdn.example.com/media/r%C3%A9sum%C3%A9.pdf?sig=abc&exp=1"))))
                .replyTo("wamid.previous")
                .channelTimestamp(Instant.parse("2024-02-29T23:59:59.123456789Z"))
                .receivedAt(Instant.parse("2024-03-01T00:00:00.000000001Z"))
                .priority(Priority.URGENT)
                .language("pt-BR")
                .tags(Set.of("vip", "billing", "émoji-🔥"))
                .metadata(Map.of("wa.profile", "Sara", "ref", "عربى", "empty", ""))
                .build();
    }

    /** Only what the record requires. */
    static Message minimal() {
        return Message.builder()
                .direction(Direction.OUTBOUND)
                .channel(CHANNEL)
                .channelMessageId("m-1")
                .threadKey("t-1")
                .author(Author.agent(null))
                .build();
    }

    static Message withAuthorAddress(Address address) {
        return minimal().toBuilder().direction(Direction.INBOUND)
                .author(Author.customer("Ann", address)).build();
    }
}
