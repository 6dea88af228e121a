package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The conversation list's search ({@link WorkspaceTables#list}) on the store. */
class ConversationSearchTest {
    @TempDir
    Path dir;
    private Database db;
    private Journal journal;
    private JournalQueries queries;
    private WorkspaceTables tables;

    @BeforeEach
    void open() throws Exception {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        queries = new JournalQueries(db);
        tables = new WorkspaceTables(db);
        InboundWriter writer = new InboundWriter(ch -> List.of(), t -> { }, Clock.systemUTC());
        for (Message m : List.of(message("a-1", "t-ann", "Ann Archer", Address.email("ann@example.com")),
                message("b-1", "t-bob", "Bob", Address.phone("+4915112345678")),
                message("c-1", "t-pct", "100% Carl", Address.email("carl@example.org")))) {
            journal.submit(writer.work("web", Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    @Test
    void findsConversationsByContactNameIgnoringCase() throws Exception {
        assertThat(threads("ARCHER")).containsExactly("t-ann");
    }

    @Test
    void findsConversationsByAnyPartOfTheContactsAddress() throws Exception {
        assertThat(threads("example.com")).containsExactly("t-ann");
        assertThat(threads("1234")).containsExactly("t-bob");
    }

    @Test
    void findsAConversationByTheReferenceAnAcknowledgementGaveTheCustomer() throws Exception {
        String id = queries.conversationByThread("web", "t-bob").orElseThrow().id();
        String reference = dev.omnibridge.hub.automation.ConversationReference.of(id);

        assertThat(threads(reference)).containsExactly("t-bob");
        assertThat(threads("#" + reference.toLowerCase(java.util.Locale.ROOT))).containsExactly("t-bob");
        assertThat(threads(reference.substring(0, 7))).as("not a whole reference: no id is searched").isEmpty();
    }

    @Test
    void likeWildcardsInTheSearchAreTakenLiterally() throws Exception {
        assertThat(threads("%")).containsExactly("t-pct");
        assertThat(threads("_")).isEmpty();
    }

    @Test
    void findsAConversationByItsShortReference() throws Exception {
        String id = queries.conversationByThread("web", "t-bob").orElseThrow().id();
        String reference = tables.details(id).orElseThrow().reference();

        assertThat(threads(reference)).containsExactly("t-bob");
        assertThat(threads(reference.toLowerCase(java.util.Locale.ROOT).replace("-", ""))).containsExactly("t-bob");
        assertThat(tables.find(reference)).contains(id);
        assertThat(tables.find(id)).contains(id);
    }

    @Test
    void withoutSearchAllConversationsComeNewestFirstWithTheContactName() throws Exception {
        List<WorkspaceTables.Row> all = list(null);

        assertThat(all).extracting(r -> thread(r.id())).containsExactly("t-pct", "t-bob", "t-ann");
        assertThat(all).extracting(WorkspaceTables.Row::contactName).containsExactly("100% Carl", "Bob", "Ann Archer");
        assertThat(all).allSatisfy(r -> assertThat(r.lastMessageAt()).isNotNull());
        assertThat(list("  ")).hasSize(3);
    }

    private List<WorkspaceTables.Row> list(String q) throws Exception {
        return tables.list(new WorkspaceTables.Filter(null, null, null, null, null, q, WorkspaceTables.Sort.NEWEST,
                10, 0)).rows();
    }

    private String thread(String id) {
        try {
            return queries.conversation(id).orElseThrow().threadKey();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> threads(String q) throws Exception {
        return list(q).stream().map(r -> thread(r.id())).toList();
    }

    private static Message message(String id, String thread, String name, Address address) {
        return Message.builder().channel(new ChannelRef("webhook-channel", "web")).channelMessageId(id)
                .threadKey(thread).author(Author.customer(name, address)).text("hello").build();
    }
}
