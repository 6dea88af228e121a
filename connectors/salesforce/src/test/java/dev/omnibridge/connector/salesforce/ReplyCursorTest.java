package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply cursor stays {@code replyOverlap} behind the newest record, so a record committed late with an earlier
 * stamp is still read, and records read twice are submitted once. The org ({@link OrgRecords}) answers each query
 * with the records committed so far that match the query's own cursor condition, as Salesforce does.
 */
class ReplyCursorTest {
    private static final OrgRecords ORG = new OrgRecords();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(ORG)).build();

    private final List<SalesforceConnector> started = new ArrayList<>();
    private FakeConnectorContext ctx;

    @BeforeEach
    void org() {
        Fixtures.stubToken(wm);
        ORG.reset();
        ORG.stub(wm);
    }

    @AfterEach
    void stop() {
        started.forEach(SalesforceConnector::stop);
    }

    private SalesforceConnector start(FakeConnectorContext context) throws Exception {
        SalesforceConnector c = new SalesforceConnector();
        c.start(context);
        started.add(c);
        return c;
    }

    /** A poll-now hint, with its result stored as the hub stores it (replies and cursors together). */
    private List<DeskReply> hintAndStore(SalesforceConnector c) {
        String body = "{\"caseIds\":[\"" + CASE + "\"],\"sentAt\":\"" + Instant.now() + "\"}";
        Inbound found = c.onWebhook(TestWebhooks.signedPost("sf", "hint-secret", body)).inbound();
        ctx.submit(found);
        return found.replies();
    }

    private static String comment(String id, String stamp) {
        return OrgRecords.comment(id, "answer " + id, "005ALICE", stamp, stamp);
    }

    @Test
    void commentCommittedLateWithAnEarlierStampIsReadOnTheNextPoll() throws Exception {
        ctx = Fixtures.context(Fixtures.settings(wm));
        SalesforceConnector c = start(ctx);
        ORG.commit("CaseComment", comment("00aFIRST", "2099-11-23T19:20:08.000+0000"));
        assertThat(hintAndStore(c)).extracting(DeskReply::replyId).containsExactly("00aFIRST");

        // Saved at 19:20:05 by a flow whose transaction committed only after the first poll.
        ORG.commit("CaseComment", comment("00aLATE", "2099-11-23T19:20:05.000+0000"));

        assertThat(hintAndStore(c)).extracting(DeskReply::replyId).contains("00aLATE");
        assertThat(ctx.offsets()).containsEntry(ReplyPoller.COMMENTS_CURSOR, "2099-11-23T19:15:08Z");
    }

    @Test
    void commentPublishedLaterWithAnOldCreatedDateIsRead() throws Exception {
        ctx = Fixtures.context(Fixtures.settings(wm));
        SalesforceConnector c = start(ctx);
        ORG.commit("CaseComment", comment("00aFIRST", "2099-11-23T19:20:08.000+0000"));
        hintAndStore(c);

        // Written as internal at 10:00, published at 19:30: CreatedDate stays, SystemModstamp moves.
        ORG.commit("CaseComment", OrgRecords.comment("00aPUBLISHED", "now public", "005ALICE",
                "2099-11-23T10:00:00.000+0000", "2099-11-23T19:30:00.000+0000"));

        assertThat(hintAndStore(c)).extracting(DeskReply::replyId).contains("00aPUBLISHED");
    }

    @Test
    void recordReReadByOverlappingScheduledPollsIsSubmittedOnce() throws Exception {
        ORG.commit("CaseComment", comment("00aONCE", "2099-11-23T19:20:08.000+0000"));
        ORG.commit("EmailMessage", EmailMessageRepliesTest.email("02sONCE", "\"mail answer\"", "null", false, "3",
                "005ALICE", "Standard", false, "2099-11-23T19:20:09.000+0000"));
        Map<String, Object> settings = Fixtures.settings(wm);
        settings.put("pollInterval", "100ms");
        ctx = Fixtures.context(settings);
        start(ctx);

        await(() -> ORG.asked().size() >= 8, "four polls of comments and emails");

        assertThat(ORG.asked()).as("later polls still ask from 5 minutes before the newest record")
                .contains("CaseComment SystemModstamp >= 2099-11-23T19:15:08Z",
                        "EmailMessage SystemModstamp >= 2099-11-23T19:15:09Z");
        assertThat(ctx.submissions().stream().flatMap(s -> s.replies().stream()).map(DeskReply::replyId))
                .containsExactly("00aONCE", "02sONCE");
    }

    @Test
    void afterARestartPollingResumesFromTheSavedLaggedCursorWithTheRecordIdsAsReplyIds() throws Exception {
        ctx = Fixtures.context(Fixtures.settings(wm));
        SalesforceConnector first = start(ctx);
        ORG.commit("CaseComment", comment("00aBEFORE", "2099-11-23T19:20:08.000+0000"));
        assertThat(hintAndStore(first)).extracting(DeskReply::replyId).containsExactly("00aBEFORE");
        first.stop();

        // The hub restarts the instance with the offsets it stored; a late record arrives meanwhile.
        ORG.commit("CaseComment", comment("00aWHILEDOWN", "2099-11-23T19:20:06.000+0000"));
        ctx = ctx.restartedAs(new SalesforceType().config(), Fixtures.settings(wm));
        SalesforceConnector second = start(ctx);

        // 00aBEFORE is read again under the same reply id: the hub's journal refuses a reply id it stored for this
        // instance, so it goes out once (system test SalesforceEmailRepliesTest restarts the real hub for this).
        assertThat(hintAndStore(second)).extracting(DeskReply::replyId).containsExactly("00aWHILEDOWN", "00aBEFORE");
        List<String> commentQueries = ORG.asked().stream().filter(q -> q.startsWith("CaseComment")).toList();
        assertThat(commentQueries).as("the restarted instance asks from the saved cursor, not its start time")
                .hasSize(2).last().isEqualTo("CaseComment SystemModstamp >= 2099-11-23T19:15:08Z");
    }

    @Test
    void everyPageOfALongAnswerIsRead() throws Exception {
        ORG.pageSize(2);
        for (int i = 1; i <= 5; i++) {
            ORG.commit("CaseComment", comment("00aPAGE" + i, "2099-11-23T19:20:0" + i + ".000+0000"));
        }
        ctx = Fixtures.context(Fixtures.settings(wm));

        assertThat(hintAndStore(start(ctx))).extracting(DeskReply::replyId)
                .containsExactly("00aPAGE1", "00aPAGE2", "00aPAGE3", "00aPAGE4", "00aPAGE5");
    }

    @Test
    void cursorLagsBehindTheNewestStampButNeverGoesBackOrSticks() {
        Instant since = Instant.parse("2099-11-23T19:00:00Z");
        Duration five = Duration.ofMinutes(5);
        assertThat(ReplyCursor.next(since, Instant.parse("2099-11-23T19:20:08Z"), true, five))
                .isEqualTo(Instant.parse("2099-11-23T19:15:08Z"));
        assertThat(ReplyCursor.next(since, Instant.parse("2099-11-23T19:03:00Z"), true, five))
                .as("never before the cursor the poll started from").isEqualTo(since);
        assertThat(ReplyCursor.next(since, since, true, five)).as("nothing read").isEqualTo(since);
        assertThat(ReplyCursor.next(since, Instant.parse("2099-11-23T19:03:00Z"), false, five))
                .as("a full poll inside one window moves on rather than reading the same records forever")
                .isEqualTo(Instant.parse("2099-11-23T19:03:00Z"));
    }

    @Test
    void replyOverlapIsDeclaredWithADefaultAndBounds() {
        Map<String, Object> raw = Fixtures.settings(wm);
        List<ConfigProblem> problems = new ArrayList<>();
        assertThat(SalesforceSettings.from(new SalesforceType().config().parse("sf", raw, problems)).replyOverlap())
                .isEqualTo(Duration.ofMinutes(5));
        for (String bad : List.of("0s", "2h")) {
            raw.put("replyOverlap", bad);
            problems.clear();
            new SalesforceType().config().parse("sf", raw, problems);
            assertThat(problems).as(bad).extracting(ConfigProblem::toString)
                    .anySatisfy(p -> assertThat(p).contains("replyOverlap"));
        }
    }
}
