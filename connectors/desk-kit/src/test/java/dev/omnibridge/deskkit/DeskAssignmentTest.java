package dev.omnibridge.deskkit;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeskAssignmentTest {
    private static final ChannelRef SMS = new ChannelRef("twilio-sms", "sms");
    private static final ConfigDef GROUP = ConfigDef.create().define(Setting.of("group", SettingType.LONG));

    private static DeskDelivery opening(Map<String, String> assignment) {
        Message m = Message.builder().channel(SMS).channelMessageId("m-1").threadKey("t-1")
                .author(Author.customer(null, Address.phone("+14155550123"))).text("hi").build();
        Conversation conv = new Conversation("conv-1", SMS, "t-1", "c-1", Address.phone("+14155550123"),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new DeskDelivery(m, conv, new Contact("c-1", "Ann", List.of()), null, "k-1", assignment);
    }

    @Test
    void readsTheAssignmentWithTheDesksDeclaration() {
        assertThat(DeskAssignment.of(GROUP, "zendesk", opening(Map.of("group", "360000001"))).longValue("group"))
                .isEqualTo(360000001L);
        assertThat(DeskAssignment.of(GROUP, "zendesk", opening(Map.of())).has("group")).isFalse();
    }

    @Test
    void anAssignmentTheDeskDoesNotDeclareFailsForGood() {
        assertThatThrownBy(() -> DeskAssignment.of(GROUP, "zendesk", opening(Map.of("queue", "00G000000000001"))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("'queue': unknown setting");
    }
}
