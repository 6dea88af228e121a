package dev.omnibridge.spi;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/** The builders and factories make the same values as the (deprecated) record constructors, with the same checks. */
@SuppressWarnings("deprecation") // compares with the constructors on purpose
class BuildersTest {
    private static final Message MESSAGE = Message.builder().channel(new ChannelRef("web", "web-1"))
            .channelMessageId("m-1").threadKey("t-1").author(Author.customer("Ann", Address.chatUser("u-1")))
            .text("hi").build();

    @Test
    void inboundBuilderSetsEveryPartAndLeavesTheRestEmpty() {
        Inbound built = Inbound.builder().messages(List.of(MESSAGE)).offsets(Map.of("updateId", "8"))
                .skipped(List.of(Skipped.ignored("s-1", "auto-reply", URI.create("attachment:abc"))))
                .annotations(List.of(MessageAnnotation.set("m-0", "reaction.u-1", "+1")))
                .threadMoves(List.of(new ThreadMove("old", "new")))
                .build();

        assertThat(built).isEqualTo(new Inbound(List.of(MESSAGE), null, null, Map.of("updateId", "8"),
                List.of(Skipped.ignored("s-1", "auto-reply", URI.create("attachment:abc"))), null, null,
                List.of(new MessageAnnotation("m-0", "reaction.u-1", "+1")), List.of(new ThreadMove("old", "new"))));
        assertThat(built.replies()).isEmpty();
        assertThat(built.statuses()).isEmpty();
        assertThat(Inbound.builder().build()).isEqualTo(Inbound.none()).matches(Inbound::isEmpty);
    }

    @Test
    void inboundToBuilderChangesOnePartAndKeepsTheOthers() {
        Inbound original = Inbound.builder().messages(List.of(MESSAGE)).offsets(Map.of("k", "v"))
                .ticketUpdates(List.of(TicketUpdate.of("T-1", ConversationStatus.RESOLVED))).build();

        Inbound changed = original.toBuilder().offsets(Map.of("k", "w")).build();

        assertThat(changed.offsets()).containsExactly(Map.entry("k", "w"));
        assertThat(changed.messages()).isEqualTo(original.messages());
        assertThat(changed.ticketUpdates()).isEqualTo(original.ticketUpdates());
        assertThat(original.toBuilder().build()).isEqualTo(original);
    }

    @Test
    void deskReplyBuilderDefaultsAndChecksAsTheConstructorDoes() {
        Instant at = Instant.parse("2026-12-05T01:00:00Z");
        DeskReply reply = DeskReply.builder("T-1", "c-9", Author.agent("Bo")).text("Done").createdAt(at)
                .metadata(Map.of(DeskReply.CONVERSATION_ID, "conv-1")).build();

        assertThat(reply).isEqualTo(new DeskReply("T-1", "c-9", Author.agent("Bo"), "Done", null, List.of(), at,
                Map.of(DeskReply.CONVERSATION_ID, "conv-1")));
        assertThat(DeskReply.builder("T-1", "c-9", Author.agent("Bo")).build().text()).isEmpty();
        assertThat(reply.toBuilder().author(Author.agent("Cy")).build())
                .isEqualTo(new DeskReply("T-1", "c-9", Author.agent("Cy"), "Done", null, List.of(), at,
                        Map.of(DeskReply.CONVERSATION_ID, "conv-1")));
        assertThatNullPointerException().isThrownBy(() -> DeskReply.builder(null, "c-9", Author.agent("Bo")).build())
                .withMessage("ticketRef");
    }

    @Test
    void factoriesMakeWhatTheConstructorsMade() {
        assertThat(DeskResult.of("T-1", "c-1")).isEqualTo(new DeskResult("T-1", "c-1"));
        assertThat(DeskResult.of("T-1").itemId()).isNull();
        assertThatNullPointerException().isThrownBy(() -> DeskResult.of(null)).withMessage("ticketRef");
        assertThat(MessageAnnotation.remove("m-1", "reaction.u-1"))
                .isEqualTo(new MessageAnnotation("m-1", "reaction.u-1", null));
        assertThat(TicketUpdate.of("T-1", ConversationStatus.OPEN))
                .isEqualTo(new TicketUpdate("T-1", ConversationStatus.OPEN));
    }
}
