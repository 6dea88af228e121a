package dev.omnibridge.connector.email.threading;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MailIdsTest {
    @Test
    void theHubsMessageIdsNameTheirConversationsToken() {
        assertThat(MailIds.hubToken(MailIds.acknowledgement("K7Q2M6XD", "0a1b2c3d4e5f", "acme.example")))
                .contains("K7Q2M6XD");
        assertThat(MailIds.hubToken(MailIds.reply("0190c6a2-7d1e-7abc-8def-0123456789ab", "K7Q2M6XD",
                "acme.example"))).contains("K7Q2M6XD");
        assertThat(MailIds.hubToken("ack.K7Q2M6XD.0a1b2c3d4e5f@acme.example")).as("as older versions sent them")
                .contains("K7Q2M6XD");
    }

    @Test
    void otherMessageIdsNameNoToken() {
        assertThat(MailIds.hubToken("CAF=abc123@mail.gmail.com")).isEmpty();
        assertThat(MailIds.hubToken("ack.k7q2m6xd.0a1b@acme.example")).as("not a token").isEmpty();
        assertThat(MailIds.hubToken("ob.K7Q2M6XD@acme.example")).as("no message id").isEmpty();
        assertThat(MailIds.replyToken("ack.K7Q2M6XD.0a1b2c3d4e5f@acme.example")).as("an acknowledgement")
                .isEmpty();
    }

    @Test
    void aReusedMessageIdGetsAnIdPerSenderAndPerContent() {
        String ann = MailIds.ofSender("x@mailer.test", "ann@customer.test");
        String bob = MailIds.ofSender("x@mailer.test", "bob@other.test");
        assertThat(ann).startsWith("x@mailer.test#").isNotEqualTo(bob).doesNotContain("ann");
        assertThat(MailIds.ofContent("x@mailer.test", "ann@customer.test", "ab".repeat(32)))
                .startsWith(ann + ".").isNotEqualTo(MailIds.ofContent("x@mailer.test", "ann@customer.test",
                        "cd".repeat(32)));
    }

    @Test
    void aLongMessageIdIsShortenedTheSameWayEachTimeAndStaysDistinct() {
        String a = "a".repeat(700) + "1@mailer.test";
        String b = "a".repeat(700) + "2@mailer.test";
        assertThat(MailIds.of("short@mailer.test")).isEqualTo("short@mailer.test");
        assertThat(MailIds.of(a)).hasSizeLessThanOrEqualTo(400).isEqualTo(MailIds.of(a)).isNotEqualTo(MailIds.of(b));
        assertThat(MailIds.ofContent(a, "ann@customer.test", "ab".repeat(32))).hasSizeLessThanOrEqualTo(500);
    }
}
