package dev.omnibridge.hub.runtime;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskReply;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CleanTextTest {
    private static final String RLO = "\u202E";
    private static final String PDF = "\u202C";

    @Test
    void aCustomerMessageLosesBidiOverridesInTextSubjectAndName() {
        Message in = Message.builder().channel(new ChannelRef("webchat", "chat")).channelMessageId("m1")
                .threadKey("t1").author(Author.customer("Eve " + RLO + "nimda", Address.chatUser("v1")))
                .subject("Invoice " + RLO + "fdp.exe").text("open " + RLO + "fdp.exe" + PDF + " now")
                .receivedAt(Instant.EPOCH).build();

        Message out = CleanText.message(in);

        assertThat(out.text()).isEqualTo("open fdp.exe now");
        assertThat(out.subject()).isEqualTo("Invoice fdp.exe");
        assertThat(out.author().displayName()).isEqualTo("Eve nimda");
        assertThat(out.author().address()).isEqualTo(in.author().address());
        assertThat(out.channelMessageId()).isEqualTo("m1");
    }

    @Test
    void aDeskReplyLosesThemTooAndCleanTextIsLeftAlone() {
        DeskReply in = new DeskReply("T-1", "r1", Author.agent("Al" + RLO + "ice"), "refund " + RLO + "001",
                null, null, Instant.EPOCH, null);
        DeskReply out = CleanText.reply(in);
        assertThat(out.text()).isEqualTo("refund 001");
        assertThat(out.author().displayName()).isEqualTo("Alice");

        DeskReply plain = new DeskReply("T-1", "r2", Author.agent("Bob"), "שלום \u200F!", null, null, Instant.EPOCH,
                null);
        assertThat(CleanText.reply(plain)).isSameAs(plain);
    }

    @Test
    void nulAndControlCharactersLeaveSubjectTextAndNameAtTheDoor() {
        Message in = Message.builder().channel(new ChannelRef("email", "mail")).channelMessageId("m2")
                .threadKey("t2").author(Author.customer("Ann\u0000 Lee", Address.email("ann@example.com")))
                .subject("Order\u0000 42\u0007").text("line one\u0000\r\nline two\u001B\u0085")
                .receivedAt(Instant.EPOCH).build();

        Message out = CleanText.message(in);

        assertThat(out.subject()).isEqualTo("Order 42");
        assertThat(out.text()).isEqualTo("line one\r\nline two");
        assertThat(out.author().displayName()).isEqualTo("Ann Lee");
    }

    @Test
    void aDeskReplyLosesNulInTextHtmlAndName() {
        DeskReply in = new DeskReply("T-1", "r3", Author.agent("Al\u0000ice"), "done\u0000\n",
                "<p>done\u0000</p>", null, Instant.EPOCH, null);
        DeskReply out = CleanText.reply(in);
        assertThat(out.text()).isEqualTo("done\n");
        assertThat(out.html()).isEqualTo("<p>done</p>");
        assertThat(out.author().displayName()).isEqualTo("Alice");
        assertThat(out.replyId()).isEqualTo("r3");
    }
}
