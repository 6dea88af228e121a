package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The conversation list's search ({@link WorkspaceTables#list}) on the store; one store for the class. */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class ConversationSearchTest {
    @TempDir
    static Path dir;
    private Database db;
    private Journal journal;
    private JournalQueries queries;
    private WorkspaceTables tables;

    @BeforeAll
    void open() throws Exception {
        db = openDatabase(dir);
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

    /** The store the scenario runs on (H2 here; PostgreSQL in {@link PostgresConversationSearchTest}). */
    protected Database openDatabase(Path dir) throws Exception {
        return StoreTestSupport.openDatabase(dir);
    }

    @AfterAll
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

    @Test
    void filtersAssignmentEventsAndCannedRepliesRunOnTheStore() throws Exception {
        String bob = queries.conversationByThread("web", "t-bob").orElseThrow().id();
        java.time.Instant now = java.time.Instant.now();
        assertThat(journal.submit(WorkspaceTables.assign(bob, "agent-7", "Jane", "admin", now))
                .get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(journal.submit(WorkspaceTables.assign("no-such-id", "agent-7", "Jane", "admin", now))
                .get(10, TimeUnit.SECONDS)).isFalse();

        assertThat(rows("agent-7", null, WorkspaceTables.Sort.NEWEST)).extracting(r -> thread(r.id()))
                .containsExactly("t-bob");
        assertThat(rows("", "OPEN", WorkspaceTables.Sort.WAITING)).hasSize(2);
        assertThat(rows(null, "RESOLVED", WorkspaceTables.Sort.NEWEST)).isEmpty();
        assertThat(threads("hello")).as("message text").hasSize(3);
        assertThat(tables.events(bob)).extracting(WorkspaceTables.Event::kind).containsExactly("ASSIGNED");
        WorkspaceTables.Page page = tables.list(new WorkspaceTables.Filter(null, null, "NORMAL", null, null, null,
                WorkspaceTables.Sort.NEWEST, 2, 0));
        assertThat(page.rows()).hasSize(2);
        assertThat(page.more()).isTrue();

        journal.submit(WorkspaceTables.createSnippet("hi", "Hi {{contact.name}}", now)).get(10, TimeUnit.SECONDS);
        assertThat(journal.submit(WorkspaceTables.createSnippet("hi", "again", now)).get(10, TimeUnit.SECONDS))
                .isEmpty();
        assertThat(tables.snippets()).extracting(WorkspaceTables.Snippet::name).containsExactly("hi");
    }

    @Test
    void waitingLongestFirstFollowsTheRunningFirstResponseClocksThenTheNewest() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        String ann = queries.conversationByThread("web", "t-ann").orElseThrow().id();
        String bob = queries.conversationByThread("web", "t-bob").orElseThrow().id();
        try (java.sql.Connection c = db.connection()) {
            c.setAutoCommit(true);
            for (Object[] t : List.of(new Object[] {ann, "HIGH", now.minusSeconds(60)},
                    new Object[] {bob, "NORMAL", now.minusSeconds(600)})) {
                Sql.update(c, "INSERT INTO first_response_timers (conversation_id, channel_instance, priority, "
                        + "started_at) VALUES (?, 'web', ?, ?)", t);
            }
        }
        try {
            assertThat(tables.list(new WorkspaceTables.Filter(null, null, null, null, null, null,
                    WorkspaceTables.Sort.WAITING, 10, 0)).rows()).extracting(r -> thread(r.id()))
                    .as("bob waits longest, ann next, carl has no clock").containsExactly("t-bob", "t-ann", "t-pct");
            assertThat(tables.list(new WorkspaceTables.Filter(null, null, "HIGH", null, null, null,
                    WorkspaceTables.Sort.NEWEST, 10, 0)).rows()).extracting(r -> thread(r.id()))
                    .containsExactly("t-ann");
        } finally {
            try (java.sql.Connection c = db.connection()) {
                c.setAutoCommit(true);
                Sql.update(c, "DELETE FROM first_response_timers");
            }
        }
    }

    private List<WorkspaceTables.Row> rows(String assignee, String status, WorkspaceTables.Sort sort)
            throws Exception {
        return tables.list(new WorkspaceTables.Filter(status, "web", null, assignee, null, null, sort, 10, 0)).rows();
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
