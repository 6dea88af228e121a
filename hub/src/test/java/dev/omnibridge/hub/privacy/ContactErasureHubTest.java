package dev.omnibridge.hub.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.RequesterErasure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export and erasure of a contact on a real hub (embedded H2, stand-in channel and desk): the export holds every
 * message, the attachment, the address and the deliveries; the erasure is one job however often it is asked for,
 * asks the desk, is audited, and leaves none of the contact's address, name, texts or attachment bytes in the store
 * file or the attachment directory, while the message rows stay for the counts.
 */
class ContactErasureHubTest {
    private static final String TOKEN = "erasure-hub-admin-token";
    private static final String EMAIL = "zora.quill@erasure-example.org";
    private static final String NAME = "Zora Quillfeather";
    private static final String TEXT_1 = "My parcel tracking code is QX-ERASE-ME-7731";
    private static final String TEXT_2 = "Please also update my flat number to Wobbleton 42b";
    private static final String FILE_BYTES = "SCANNED-PASSPORT-CONTENT-9f3e1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<RequesterErasure> erasureRequests = new CopyOnWriteArrayList<>();
    private final StandInConnectors standIns = new StandInConnectors("erasure");
    private final TestType channel = standIns.channel();
    private final TestType desk = new TestType("erasure-desk", "accepts deliveries, erases requesters",
            () -> new DeskConnector() {
                @Override
                public void start(ConnectorContext ctx) {
                }

                @Override
                public DeskResult deliver(DeskDelivery delivery) {
                    return new DeskResult("T-" + delivery.conversation().id().substring(0, 8),
                            "c-" + delivery.message().id());
                }

                @Override
                public RequesterErasure.Outcome eraseRequester(RequesterErasure request) {
                    erasureRequests.add(request);
                    return RequesterErasure.Outcome.erased("user deleted");
                }
            });
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void exportHoldsEverythingAndErasureLeavesNoTraceButTheCounts() throws Exception {
        startHub();
        ConnectorContext mail = standIns.context("mail");
        Attachment stored = mail.attachments().store("passport.pdf", "application/pdf",
                new ByteArrayInputStream(FILE_BYTES.getBytes(StandardCharsets.UTF_8)), 1 << 20);
        submit(message("m-1", "thread-zora", TEXT_1, List.of(stored)));
        submit(message("m-2", "thread-zora", TEXT_2, List.of()));
        String conversationId = conversationOf("m-1");
        String contactId = json(local.send(local.withToken(local.get("/api/conversations/" + conversationId))))
                .path("contactId").asText();
        Poll.until("both messages delivered to the desk", () -> deliveredToDesk(conversationId) == 2);

        // Export: every item the test created.
        HttpResponse<byte[]> export = exportOf(contactId);
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValue("application/zip");
        Map<String, byte[]> zip = unzip(export.body());
        assertThat(zip).containsKeys("contact.json", "conversations.json", "messages.jsonl", "deliveries.json",
                "surveys.json", "README.txt");
        assertThat(text(zip, "contact.json")).contains(EMAIL).contains(NAME).contains(contactId);
        assertThat(text(zip, "conversations.json")).contains(conversationId);
        assertThat(text(zip, "messages.jsonl").lines()).hasSize(2);
        assertThat(text(zip, "messages.jsonl")).contains(TEXT_1).contains(TEXT_2);
        JsonNode deliveries = JSON.readTree(zip.get("deliveries.json"));
        assertThat(deliveries.path("finished")).hasSize(2);
        assertThat(zip.entrySet().stream().filter(e -> e.getKey().startsWith("attachments/"))).singleElement()
                .satisfies(e -> {
                    assertThat(e.getKey()).endsWith("/passport.pdf");
                    assertThat(new String(e.getValue(), StandardCharsets.UTF_8)).isEqualTo(FILE_BYTES);
                });

        List<String> secrets = List.of(EMAIL, NAME, TEXT_1, TEXT_2, FILE_BYTES, "thread-zora", "passport.pdf");
        assertThat(scan(dir.resolve("data"), secrets)).as("the scan finds what is stored").isNotEmpty();

        // Erasure: one job however often asked for.
        HttpResponse<String> first = local.send(local.withToken(local.get("/api/contacts/" + contactId)
                .DELETE()));
        assertThat(first.statusCode()).isIn(200, 202);
        String jobId = json(first).path("id").asText();
        assertThat(json(first).path("created").asBoolean()).isTrue();
        HttpResponse<String> again = local.send(local.withToken(local.get("/api/contacts/" + contactId)
                .DELETE()));
        assertThat(json(again).path("id").asText()).isEqualTo(jobId);
        assertThat(json(again).path("created").asBoolean()).isFalse();

        Poll.until("the erasure done", () -> json(local.send(local.withToken(local.get("/api/erasures/"
                + jobId)))).path("done").asBoolean());
        JsonNode job = json(local.send(local.withToken(local.get("/api/contacts/" + contactId + "/erasure"))));
        assertThat(job.path("id").asText()).isEqualTo(jobId);
        assertThat(job.path("state").asText()).isEqualTo("DONE");
        assertThat(job.path("figures").path("messages").asText()).isEqualTo("2");
        assertThat(job.path("figures").path("attachmentFiles").asText()).isEqualTo("1");
        assertThat(job.path("figures").path("storeWipe").asText()).isEqualTo("done");
        assertThat(job.path("desks")).singleElement().satisfies(d -> {
            assertThat(d.path("desk").asText()).isEqualTo("desk");
            assertThat(d.path("outcome").asText()).isEqualTo("ERASED");
        });
        assertThat(job.toString()).doesNotContain(EMAIL);
        assertThat(erasureRequests).singleElement().satisfies(r -> {
            assertThat(r.contactId()).isEqualTo(contactId);
            assertThat(r.addresses()).containsExactly(Address.email(EMAIL));
            assertThat(r.ticketRefs()).containsExactly("T-" + conversationId.substring(0, 8));
        });

        // The counts stay: two messages in the conversation, without their content.
        JsonNode timeline = json(local.send(local.withToken(local.get("/api/messages?conversationId="
                + conversationId))));
        assertThat(timeline.path("messages")).hasSize(2);
        assertThat(timeline.toString()).doesNotContain(TEXT_1).doesNotContain(TEXT_2).doesNotContain(EMAIL)
                .doesNotContain("passport");
        assertThat(text(unzip(exportOf(contactId).body()), "contact.json")).doesNotContain(EMAIL)
                .doesNotContain(NAME);

        // No trace in the bytes of the store file or the attachment directory, while the hub runs.
        assertThat(scan(dir.resolve("data"), secrets)).as("files holding erased data").isEmpty();

        // Audited: who asked for the export and the erasure, and the erasure's end with its figures.
        JsonNode audit = json(local.send(local.withToken(local.get("/api/audit?subject=" + contactId))));
        List<String> actions = new ArrayList<>();
        audit.path("entries").forEach(e -> actions.add(e.path("action").asText()));
        assertThat(actions).contains("contact.export", "contact.erase", "contact.erase.done");
        assertThat(actions.stream().filter("contact.erase"::equals)).hasSize(1);
        assertThat(audit.toString()).doesNotContain(EMAIL);
        String jsonl = local.send(local.withToken(local.get("/api/audit.jsonl?action=contact.erase"))).body();
        assertThat(jsonl.lines()).hasSize(2).allSatisfy(l -> assertThat(JSON.readTree(l).path("actor").asText())
                .isEqualTo("admin-token"));

        // The same customer writing again is a new contact, in a new conversation.
        submit(message("m-3", "thread-zora", "Hello again", List.of()));
        String newConversation = conversationOf("m-3");
        assertThat(newConversation).isNotEqualTo(conversationId);
        assertThat(json(local.send(local.withToken(local.get("/api/conversations/" + newConversation))))
                .path("contactId").asText()).isNotEqualTo(contactId);
    }

    @Test
    void anUnknownContactIsNotFoundForExportAndErasure() throws Exception {
        startHub();
        assertThat(exportOf("no-such-contact").statusCode()).isEqualTo(404);
        assertThat(local.send(local.withToken(local.get("/api/contacts/no-such-contact").DELETE()))
                .statusCode()).isEqualTo(404);
        assertThat(local.send(local.get("/api/contacts/no-such-contact").DELETE()).statusCode())
                .as("without the admin token").isEqualTo(401);
        assertThat(local.send(local.get("/api/audit")).statusCode()).isEqualTo(401);
    }

    // --- helpers ---

    private void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("mail", channel.name()), instance("desk", desk.name())),
                List.of(new HubConfig.Route("mail", List.of("desk"))), channel, desk);
    }

    private Message message(String channelMessageId, String threadKey, String text, List<Attachment> files) {
        return Message.builder().channel(new ChannelRef(channel.name(), "mail"))
                .channelMessageId(channelMessageId).threadKey(threadKey)
                .author(Author.customer(NAME, Address.email(EMAIL))).subject("About " + NAME).text(text)
                .attachments(files).build();
    }

    private void submit(Message m) throws Exception {
        standIns.context("mail").submit(Inbound.messages(List.of(m))).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private String conversationOf(String channelMessageId) {
        JsonNode all = json(local.send(local.withToken(local.get("/api/messages?limit=100"))));
        for (JsonNode v : all.path("messages")) {
            if (v.path("message").path("channelMessageId").asText().equals(channelMessageId)) {
                return v.path("message").path("conversationId").asText();
            }
        }
        throw new AssertionError("no message " + channelMessageId);
    }

    private long deliveredToDesk(String conversationId) {
        JsonNode timeline = json(local.send(local.withToken(local.get("/api/messages?conversationId="
                + conversationId))));
        long n = 0;
        for (JsonNode v : timeline.path("messages")) {
            for (JsonNode d : v.path("deliveries")) {
                if ("DONE".equals(d.path("status").asText())) {
                    n++;
                }
            }
        }
        return n;
    }

    private HttpResponse<byte[]> exportOf(String contactId) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(local.withToken(local.get("/api/contacts/" + contactId
                + "/export")).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static String text(Map<String, byte[]> zip, String name) {
        return new String(zip.get(name), StandardCharsets.UTF_8);
    }

    /** The files under {@code root} whose bytes hold any of the strings (as UTF-8), with what they hold. */
    static List<String> scan(Path root, List<String> secrets) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                for (String s : secrets) {
                    if (indexOf(bytes, s.getBytes(StandardCharsets.UTF_8)) >= 0) {
                        found.add(root.relativize(f) + " holds '" + s + "'");
                    }
                }
            }
        }
        return found;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
