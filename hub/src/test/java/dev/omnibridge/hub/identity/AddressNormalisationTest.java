package dev.omnibridge.hub.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Addresses in the hub's normal form: one customer's number or email is one value whichever channel wrote it. */
class AddressNormalisationTest {
    private final PhoneNumbers de = new PhoneNumbers("DE");

    @Test
    void phoneNumbersInEveryChannelsFormBecomeOneE164Number() {
        Address expected = Address.phone("+4915123456789");
        assertThat(de.parse("+4915123456789")).contains(expected);
        assertThat(de.parse("4915123456789")).as("a WhatsApp wa_id").contains(expected);
        assertThat(de.parse("0151 2345 6789")).as("national form, default region").contains(expected);
        assertThat(de.parse("+49 (0)151 234-56789")).contains(expected);
        assertThat(de.parse("0049 151 23456789")).contains(expected);
        assertThat(de.normalise(Address.phone("+49015123456789"))).as("the trunk 0 after the country code")
                .isEqualTo(expected);
        assertThat(new PhoneNumbers("US").parse("(202) 456-1111")).contains(Address.phone("+12024561111"));
        assertThat(de.parse("12")).isEmpty();
        assertThat(de.parse("not a number")).isEmpty();
        assertThat(new PhoneNumbers(null).parse("0151 2345 6789")).as("no region: international only").isEmpty();
    }

    @Test
    void phoneNumbersAreFoundInTextOnlyWhenValid() {
        assertThat(de.findIn("call me at 030 1234567 or +44 20 7946 0958, order 12345", 5))
                .containsExactly(Address.phone("+49301234567"), Address.phone("+442079460958"));
        assertThat(de.findIn("order 12345", 5)).isEmpty();
    }

    @Test
    void emailsAreFoldedComposedAndTheirDomainIsInAsciiForm() {
        assertThat(EmailAddresses.parse("  Ana.Lima@Example.COM ")).contains(Address.email("ana.lima@example.com"));
        assertThat(EmailAddresses.parse("jörg@bücher.example")).contains(Address.email("jörg@xn--bcher-kva.example"));
        // "o" followed by a combining diaeresis is the same as the composed "ö".
        assertThat(EmailAddresses.parse("jo\u0308rg@BU\u0308CHER.example"))
                .contains(Address.email("jörg@xn--bcher-kva.example"));
        assertThat(EmailAddresses.parse("no-at-sign")).isEmpty();
        assertThat(EmailAddresses.parse("a@b@c")).isEmpty();
    }

    @Test
    void inboundMessagesCarryTheNormalisedAddressAndAreUntouchedWhenAlreadyNormal() {
        InboundAddresses addresses = new InboundAddresses(de);
        Message m = Message.builder().channel(new ChannelRef("t", "wa")).channelMessageId("1").threadKey("k")
                .author(Author.customer("Ana", Address.phone("+49015123456789"))).text("hi").build();
        assertThat(addresses.normalise(m).author().address()).isEqualTo(Address.phone("+4915123456789"));
        assertThat(addresses.normalise(m).author().displayName()).isEqualTo("Ana");
        Message normal = addresses.normalise(m);
        assertThat(addresses.normalise(normal)).isSameAs(normal);
    }

    @Test
    void theSectionChecksTheRegionAndReadsTheHistoryNote() throws Exception {
        ObjectMapper yaml = new ObjectMapper();
        List<ConfigProblem> problems = new ArrayList<>();
        IdentityConfig ok = IdentitySection.read(yaml.readTree("{\"defaultRegion\":\"de\",\"historyNote\":"
                + "{\"days\":30,\"max\":3}}"), List.of(), problems);
        assertThat(problems).isEmpty();
        assertThat(ok.defaultRegion()).isEqualTo("DE");
        assertThat(ok.historyNote()).isEqualTo(new HistoryNoteConfig(true, 30, 3));
        assertThat(IdentitySection.read(yaml.readTree("{\"historyNote\":false}"), List.of(), problems)
                .historyNote().enabled()).isFalse();

        IdentitySection.read(yaml.readTree("{\"defaultRegion\":\"XX\",\"historyNote\":{\"days\":0,\"size\":2}}"),
                List.of(), problems);
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("identity.defaultRegion",
                "identity.historyNote.days", "identity.historyNote.size");
    }
}
