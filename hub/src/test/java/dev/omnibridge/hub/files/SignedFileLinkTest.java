package dev.omnibridge.hub.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.delivery.OutboundAdapter;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: a stored file a channel cannot carry goes as an expiring signed link the hub serves without a login,
 * and only to whoever holds that link, until it expires or the file is erased.
 */
class SignedFileLinkTest {
    private static final String TOKEN = "file-links-admin-token";
    private static final String PDF = "%PDF-1.4 the quote for Ann";
    private static final Pattern LINK = Pattern.compile("quote\\.pdf: (http://\\S+)");
    /** An SMS-like channel: text only, no files. */
    private static final ChannelCapabilities SMS = ChannelCapabilities.builder()
            .text(1600, ChannelCapabilities.TextUnit.SMS_CHARACTERS).build();

    @TempDir
    Path dir;
    private final LocalHub local = new LocalHub(TOKEN);
    private final StandInConnectors standIns = new StandInConnectors("links");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Hub hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aSignedLinkServesTheFileUntilItIsAlteredExpiredOrErased() throws Exception {
        HubConfig.Delivery delivery = new HubConfig.Delivery(2, 3, Duration.ofMillis(100), Duration.ofSeconds(1),
                HubConfig.Delivery.DEFAULT_WINDOW, HubConfig.Delivery.Order.PRIORITY, Duration.ofDays(7));
        hub = Hub.start(local.config(dir, delivery, List.of(LocalHub.instance("sms", standIns.channel().name())),
                List.of()), List.of(standIns.channel()));
        ConnectorContext sms = standIns.context("sms");
        Attachment quote = sms.attachments().store("quote.pdf", "application/pdf",
                new ByteArrayInputStream(PDF.getBytes(StandardCharsets.UTF_8)), 1 << 20);
        Attachment other = sms.attachments().store("other.txt", "text/plain",
                new ByteArrayInputStream("another file".getBytes(StandardCharsets.UTF_8)), 1 << 20);
        Message received = Message.builder().channel(new ChannelRef(standIns.channel().name(), "sms"))
                .channelMessageId("m-1").threadKey("thread-ann")
                .author(Author.customer("Ann", Address.phone("+15550001111"))).text("Files")
                .attachments(List.of(quote, other)).build();
        sms.submit(Inbound.messages(List.of(received))).toCompletableFuture().get(20, TimeUnit.SECONDS);

        // The reply to an SMS-like channel names the file with a link made with the hub's own key.
        Path dataDir = dir.resolve("data");
        SignedFileLinks links = new SignedFileLinks(FileLinkKey.loadOrCreate(dataDir), URI.create(local.base()),
                Duration.ofDays(7), Clock.systemUTC());
        Message reply = Message.builder().channel(new ChannelRef(standIns.channel().name(), "sms"))
                .channelMessageId("r-1").threadKey("thread-ann").author(Author.agent("Bo")).text("Here is your quote")
                .attachments(List.of(quote)).build();
        List<OutboundMessage> sent = OutboundAdapter.adapt(new OutboundMessage(reply, conversation(), "k-1"), SMS,
                links);
        assertThat(sent).singleElement().satisfies(m -> assertThat(m.message().attachments()).isEmpty());
        String text = sent.get(0).message().text();
        Matcher m = LINK.matcher(text);
        assertThat(m.find()).as("a link in: %s", text).isTrue();
        String link = m.group(1);
        assertThat(link).startsWith(local.base() + "/files/" + quote.sha256() + "?exp=").contains("&sig=");

        HttpResponse<byte[]> ok = get(link);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo(PDF);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(ok.headers().firstValue("Content-Disposition")).hasValueSatisfying(d ->
                assertThat(d).startsWith("attachment; filename=\"quote.pdf\""));
        assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(ok.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("private"));

        // Every refusal is the same 404: altered signature, another id, no signature, expired.
        String sig = link.substring(link.indexOf("&sig=") + 5);
        String altered = link.substring(0, link.length() - sig.length())
                + (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1);
        String otherId = link.replace(quote.sha256(), other.sha256());
        String unsigned = link.substring(0, link.indexOf("&sig="));
        SignedFileLinks lastWeek = new SignedFileLinks(FileLinkKey.loadOrCreate(dataDir), URI.create(local.base()),
                Duration.ofDays(7), Clock.fixed(Instant.now().minus(Duration.ofDays(8)), ZoneOffset.UTC));
        String expired = lastWeek.linkFor(quote).orElseThrow();
        for (String refused : List.of(altered, otherId, unsigned, expired)) {
            HttpResponse<byte[]> r = get(refused);
            assertThat(r.statusCode()).as(refused.substring(0, refused.indexOf('?'))).isEqualTo(404);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("Not found\n");
        }
        assertThat(get(links.linkFor(other).orElseThrow()).statusCode()).as("the other file's own link").isEqualTo(200);

        // Erased with its contact: the link given out stops opening it.
        String conversationId = json(local.send(local.withToken(local.get("/api/messages?limit=10"))))
                .path("messages").get(0).path("message").path("conversationId").asText();
        String contactId = json(local.send(local.withToken(local.get("/api/conversations/" + conversationId))))
                .path("contactId").asText();
        JsonNode job = json(local.send(local.withToken(local.get("/api/contacts/" + contactId).DELETE())));
        Poll.until("the erasure done", () -> json(local.send(local.withToken(local.get("/api/erasures/"
                + job.path("id").asText())))).path("done").asBoolean());
        assertThat(get(link).statusCode()).isEqualTo(404);
        assertThat(Files.readString(dataDir.resolve(FileLinkKey.FILE))).as("key file kept").isNotBlank();
    }

    @Test
    void withoutAPublicUrlAStoredFileIsNamedAsNotSent() {
        Attachment stored = new Attachment("quote.pdf", "application/pdf", 10, "a".repeat(64),
                URI.create("attachment:" + "a".repeat(64)));
        Message reply = Message.builder().channel(new ChannelRef("t", "sms")).channelMessageId("r-2").threadKey("t")
                .author(Author.agent("Bo")).text("Quote").attachments(List.of(stored)).build();
        assertThat(OutboundAdapter.adapt(new OutboundMessage(reply, conversation(), "k"), SMS).get(0).message()
                .text()).isEqualTo("Quote\n\n[attachment not sent: quote.pdf]");
    }

    private static Conversation conversation() {
        return new Conversation("conv-1", new ChannelRef("t", "sms"), "thread-ann", "contact-1",
                Address.phone("+15550001111"), dev.omnibridge.model.ConversationStatus.OPEN, java.util.Map.of(),
                Instant.now());
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
