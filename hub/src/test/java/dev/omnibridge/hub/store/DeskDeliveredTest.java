package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.spi.DeskReply;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the hub reads a desk's delivered-to list against the conversation's customer. */
class DeskDeliveredTest {
    private static final Address ANN = Address.email("ann@example.com");

    private static DeskReply reply(String deliveredTo) {
        return new DeskReply("T-1", "r-1", Author.agent("Alice"), "hi", null, null, Instant.EPOCH,
                deliveredTo == null ? Map.of() : Map.of(DeskReply.DELIVERED_TO, deliveredTo));
    }

    @Test
    void commaSemicolonAndLineSeparatedListsInAnyLetterCaseNameTheCustomer() {
        assertThat(DeskDelivered.toCustomer(reply("bob@example.com,ann@example.com"), ANN)).isTrue();
        assertThat(DeskDelivered.toCustomer(reply("bob@example.com; ANN@Example.COM "), ANN)).isTrue();
        assertThat(DeskDelivered.toCustomer(reply("bob@example.com\r\n ann@example.com\n"), ANN)).isTrue();
        assertThat(DeskDelivered.toCustomer(reply("Bob <bob@example.com>, Ann Lee <Ann@example.com>"), ANN)).isTrue();
    }

    @Test
    void anotherAddressAPartOfTheAddressOrNoListIsNotTheCustomer() {
        assertThat(DeskDelivered.toCustomer(reply("ann@example.co, nn@example.com"), ANN)).isFalse();
        assertThat(DeskDelivered.toCustomer(reply("bob@example.com ann@example.com"), ANN))
                .as("one item with a space is not a list").isFalse();
        assertThat(DeskDelivered.toCustomer(reply(""), ANN)).isFalse();
        assertThat(DeskDelivered.toCustomer(reply(null), ANN)).isFalse();
    }

    @Test
    void onlyEmailCustomersAreComparedWhateverTheListHolds() {
        assertThat(DeskDelivered.toCustomer(reply("+14155550100"), Address.phone("+14155550100"))).isFalse();
        assertThat(DeskDelivered.toCustomer(reply("visitor-1"), Address.chatUser("visitor-1"))).isFalse();
        assertThat(DeskDelivered.toCustomer(reply("ann@example.com"), null)).isFalse();
    }
}
