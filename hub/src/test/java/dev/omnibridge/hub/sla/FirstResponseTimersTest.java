package dev.omnibridge.hub.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * First-response timers on the hub's real store, journal and writer, with a clock the test moves: when a target
 * passes unanswered (in business time), what a breach does, once; that an answer stops the clock; the warning;
 * and that a restart neither loses nor repeats any of it.
 */
class FirstResponseTimersTest {
    /** A Friday. */
    private static final Instant FRIDAY_16H = Instant.parse("2026-12-04T16:00:00Z");
    private static final Instant MONDAY_9H = Instant.parse("2026-12-07T09:00:00Z");
    private static final WorkingHours.Lookup OFFICE = name -> name.equals("office")
            ? Optional.of(new OfficeHours()) : Optional.empty();

    @TempDir
    Path dir;
    private TimerStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private TimerStore open(Instant start, String firstResponseJson) throws Exception {
        List<dev.omnibridge.config.ConfigProblem> problems = new ArrayList<>();
        FirstResponseConfig config = FirstResponseSettings.read(new ObjectMapper().readTree(firstResponseJson),
                List.of(TimerStore.CHANNEL, TimerStore.DESK), problems);
        assertThat(problems).as("the test's own configuration").isEmpty();
        store = new TimerStore(dir, start, config, OFFICE);
        return store;
    }

    @Test
    void anUnansweredConversationBreachesWhenItsTargetPassesInBusinessHoursAndEscalatesOnce() throws Exception {
        open(FRIDAY_16H, "{\"calendar\":\"office\"}");
        String conv = store.customerWrites("t-1", "m-1", Priority.NORMAL);

        // NORMAL is 4 h: Friday 16:00-17:00, then Monday 09:00-12:00 (the weekend is closed).
        FirstResponseViews.TimerView running = store.timer(conv);
        assertThat(running.state()).isEqualTo("RUNNING");
        assertThat(running.startedAt()).isEqualTo(FRIDAY_16H.toString());
        assertThat(running.dueAt()).isEqualTo("2026-12-07T12:00:00Z");
        assertThat(running.warnAt()).as("80 %% of 4 h = 3 h 12 min").isEqualTo("2026-12-07T11:12:00Z");

        assertThat(store.pollAt(Instant.parse("2026-12-05T20:00:00Z"))).as("28 wall-clock hours later, Saturday")
                .isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-07T11:59:59Z"))).as("only the warning").isOne();
        assertThat(store.timer(conv).state()).isEqualTo("WARNED");
        assertThat(store.notes(conv)).as("no note for the warning unless configured").isEmpty();

        assertThat(store.pollAt(Instant.parse("2026-12-07T12:00:00Z"))).isOne();

        FirstResponseViews.TimerView breached = store.timer(conv);
        assertThat(breached.state()).isEqualTo("BREACHED");
        assertThat(breached.tags()).containsExactly("sla-breached");
        assertThat(breached.priority()).as("one step up from NORMAL").isEqualTo("HIGH");
        assertThat(breached.breachedAt()).isEqualTo("2026-12-07T12:00:00Z");
        List<Message> notes = store.notes(conv);
        assertThat(notes).singleElement().satisfies(note -> {
            assertThat(note.author().role()).isEqualTo(Role.SYSTEM);
            assertThat(note.tags()).contains("sla-breached");
            assertThat(note.priority()).isEqualTo(Priority.HIGH);
            assertThat(note.text()).contains("NORMAL target of 4h", "Priority raised to HIGH");
        });
        assertThat(store.pendingDeliveries(notes.get(0).id())).as("the note waits in the outbox for the desk")
                .isOne();
        assertThat(store.scheduled).filteredOn(t -> t.messageId().equals(notes.get(0).id()))
                .extracting(t -> t.target()).containsExactly(TimerStore.DESK);
        assertThat(store.counter("omnibridge.first.response.breaches", "NORMAL")).isEqualTo(1.0);
        assertThat(store.counter("omnibridge.first.response.warnings", "NORMAL")).isEqualTo(1.0);

        assertThat(store.pollAt(Instant.parse("2026-12-07T13:00:00Z"))).isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-09T13:00:00Z"))).isZero();
        assertThat(store.customerWrites("t-1", "m-2", Priority.NORMAL)).as("the customer asks again").isEqualTo(conv);
        assertThat(store.pollAt(Instant.parse("2026-12-10T13:00:00Z"))).isZero();
        assertThat(store.notes(conv)).hasSize(1);
        assertThat(store.timer(conv).priority()).as("raised once, not once per poll").isEqualTo("HIGH");
        assertThat(store.counter("omnibridge.first.response.breaches", "NORMAL")).isEqualTo(1.0);
        assertThat(store.timer(conv).events()).extracting(FirstResponseViews.EventView::kind)
                .containsExactly("WARNED", "BREACHED");
    }

    @Test
    void aRestartNeitherLosesNorRepeatsABreach() throws Exception {
        open(MONDAY_9H, "{\"calendar\":\"office\",\"warnAt\":0}");
        String conv = store.customerWrites("t-1", "m-1", Priority.HIGH);

        store.clock.set(Instant.parse("2026-12-07T09:30:00Z"));
        store.restart();
        assertThat(store.timer(conv).dueAt()).as("kept across the restart").isEqualTo("2026-12-07T10:00:00Z");
        assertThat(store.pollAt(Instant.parse("2026-12-07T09:59:00Z"))).isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-07T10:00:00Z"))).isOne();
        String note = store.notes(conv).get(0).id();

        store.restart();
        assertThat(store.pollAt(Instant.parse("2026-12-07T10:00:01Z"))).isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-08T10:00:00Z"))).isZero();

        assertThat(store.notes(conv)).extracting(Message::id).containsExactly(note);
        assertThat(store.pendingDeliveries(note)).as("the note's delivery survives the restart too").isOne();
        FirstResponseViews.TimerView after = store.timer(conv);
        assertThat(after.state()).isEqualTo("BREACHED");
        assertThat(after.tags()).containsExactly("sla-breached");
        assertThat(after.priority()).isEqualTo("URGENT");
        assertThat(after.events()).extracting(FirstResponseViews.EventView::kind).containsExactly("BREACHED");
    }

    @Test
    void anAnsweredConversationNeverBreaches() throws Exception {
        open(MONDAY_9H, "{\"calendar\":\"office\"}");
        String conv = store.customerWrites("t-1", "m-1", Priority.NORMAL);
        store.deskOpensTicket(conv);
        store.clock.set(Instant.parse("2026-12-07T09:30:00Z"));

        store.deskReplies(conv, "r-1", Author.agent("Alice"));

        FirstResponseViews.TimerView answered = store.timer(conv);
        assertThat(answered.state()).isEqualTo("ANSWERED");
        assertThat(answered.answeredAt()).isEqualTo("2026-12-07T09:30:00Z");
        assertThat(answered.dueAt()).isNull();
        assertThat(answered.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("ANSWERED");
            assertThat(e.waitedSeconds()).isEqualTo(Duration.ofMinutes(30).toSeconds());
            assertThat(e.targetSeconds()).isEqualTo(Duration.ofHours(4).toSeconds());
        });
        assertThat(store.answeredCount()).as("one first-response time in the histogram").isOne();

        store.deskReplies(conv, "r-2", Author.agent("Alice"));
        assertThat(store.pollAt(Instant.parse("2026-12-14T09:00:00Z"))).isZero();
        assertThat(store.notes(conv)).isEmpty();
        assertThat(store.timer(conv).tags()).isEmpty();
        assertThat(store.answeredCount()).as("a second reply is no first response").isOne();
        assertThat(store.counter("omnibridge.first.response.breaches", "NORMAL")).isZero();
    }

    @Test
    void aBotsReplyOnTheTicketDoesNotStopTheClock() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":0}");
        String conv = store.customerWrites("t-1", "m-1", Priority.URGENT);
        store.deskOpensTicket(conv);
        store.clock.set(Instant.parse("2026-12-07T09:01:00Z"));

        store.deskReplies(conv, "bot-1", new Author(Role.BOT, "Answer Bot", null));

        assertThat(store.timer(conv).state()).isEqualTo("RUNNING");
        assertThat(store.pollAt(Instant.parse("2026-12-07T09:15:00Z"))).as("URGENT: 15 min around the clock")
                .isOne();
        assertThat(store.timer(conv).state()).isEqualTo("BREACHED");
        assertThat(store.timer(conv).priority()).as("URGENT stays URGENT").isEqualTo("URGENT");
    }

    @Test
    void theWarningFiresOnceAndNotesTheDesksWhenConfigured() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":50,\"warningNote\":true}");
        String conv = store.customerWrites("t-1", "m-1", Priority.NORMAL);
        assertThat(store.timer(conv).warnAt()).isEqualTo("2026-12-07T11:00:00Z");

        assertThat(store.pollAt(Instant.parse("2026-12-07T10:59:59Z"))).isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-07T11:00:00Z"))).isOne();
        assertThat(store.pollAt(Instant.parse("2026-12-07T11:30:00Z"))).isZero();
        store.restart();
        assertThat(store.pollAt(Instant.parse("2026-12-07T12:00:00Z"))).isZero();

        FirstResponseViews.TimerView warned = store.timer(conv);
        assertThat(warned.state()).isEqualTo("WARNED");
        assertThat(warned.warnedAt()).isEqualTo("2026-12-07T11:00:00Z");
        assertThat(warned.dueAt()).isEqualTo("2026-12-07T13:00:00Z");
        assertThat(warned.tags()).as("a warning is no breach").isEmpty();
        assertThat(warned.events()).extracting(FirstResponseViews.EventView::kind).containsExactly("WARNED");
        assertThat(store.notes(conv)).singleElement().satisfies(note -> {
            assertThat(note.tags()).contains("sla-warning");
            assertThat(note.priority()).isEqualTo(Priority.NORMAL);
            assertThat(note.text()).contains("First response due soon");
        });
        assertThat(store.pollAt(Instant.parse("2026-12-07T13:00:00Z"))).isOne();
        assertThat(store.notes(conv)).hasSize(2);
        assertThat(store.timer(conv).state()).isEqualTo("BREACHED");
    }

    @Test
    void aNewQuestionAfterTheAnswerStartsANewClockAndFollowUpsDoNotMoveIt() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":0}");
        String conv = store.customerWrites("t-1", "m-1", Priority.NORMAL);
        store.deskOpensTicket(conv);
        store.clock.set(Instant.parse("2026-12-07T09:10:00Z"));
        store.deskReplies(conv, "r-1", Author.agent("Alice"));

        store.clock.set(Instant.parse("2026-12-07T10:00:00Z"));
        store.customerWrites("t-1", "m-2", Priority.NORMAL);
        store.clock.set(Instant.parse("2026-12-07T10:30:00Z"));
        store.customerWrites("t-1", "m-3", Priority.NORMAL);

        FirstResponseViews.TimerView again = store.timer(conv);
        assertThat(again.state()).isEqualTo("RUNNING");
        assertThat(again.startedAt()).as("the first unanswered message").isEqualTo("2026-12-07T10:00:00Z");
        assertThat(again.dueAt()).isEqualTo("2026-12-07T14:00:00Z");
        assertThat(store.pollAt(Instant.parse("2026-12-07T13:59:59Z"))).isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-07T14:00:00Z"))).isOne();
        assertThat(store.timer(conv).state()).isEqualTo("BREACHED");
    }

    @Test
    void aMoreUrgentMessageBringsTheRunningTargetForward() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":0}");
        String conv = store.customerWrites("t-1", "m-1", Priority.LOW);
        assertThat(store.timer(conv).dueAt()).isEqualTo("2026-12-07T17:00:00Z");

        store.clock.set(Instant.parse("2026-12-07T09:20:00Z"));
        store.customerWrites("t-1", "m-2", Priority.HIGH);

        FirstResponseViews.TimerView urgent = store.timer(conv);
        assertThat(urgent.priority()).isEqualTo("HIGH");
        assertThat(urgent.startedAt()).isEqualTo(MONDAY_9H.toString());
        assertThat(urgent.dueAt()).as("HIGH's 1 h from the clock's start").isEqualTo("2026-12-07T10:00:00Z");
        assertThat(store.pollAt(Instant.parse("2026-12-07T10:00:00Z"))).isOne();
        assertThat(store.counter("omnibridge.first.response.breaches", "HIGH")).isEqualTo(1.0);
    }

    @Test
    void aConversationResolvedWithoutAnAnswerIsClosedNotBreached() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":0}");
        String conv = store.customerWrites("t-1", "m-1", Priority.NORMAL);
        store.deskOpensTicket(conv);
        store.deskResolves(conv);

        assertThat(store.pollAt(Instant.parse("2026-12-07T13:00:00Z"))).isOne();

        assertThat(store.timer(conv).state()).isEqualTo("CLOSED");
        assertThat(store.timer(conv).events()).extracting(FirstResponseViews.EventView::kind)
                .containsExactly("CLOSED");
        assertThat(store.notes(conv)).isEmpty();
        assertThat(store.counter("omnibridge.first.response.breaches", "NORMAL")).isZero();
        store.clock.set(Instant.parse("2026-12-07T14:00:00Z"));
        store.customerWrites("t-1", "m-2", Priority.NORMAL);
        assertThat(store.timer(conv).state()).as("the customer writes again: a new clock").isEqualTo("RUNNING");
        assertThat(store.timer(conv).dueAt()).isEqualTo("2026-12-07T18:00:00Z");
    }

    @Test
    void aChannelWithTimersOffGetsNoClock() throws Exception {
        open(MONDAY_9H, "{\"channels\":{\"web\":{\"enabled\":false}}}");
        String conv = store.customerWrites("t-1", "m-1", Priority.URGENT);

        assertThat(store.views.conversation(conv)).isEmpty();
        assertThat(store.pollAt(Instant.parse("2026-12-08T09:00:00Z"))).isZero();
    }

    @Test
    void aTimerThatCannotFireIsTriedAgainLaterWithoutHoldingUpTheOthers() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":0}");
        String stuck = store.customerWrites("t-stuck", "m-1", Priority.URGENT);
        store.clock.set(Instant.parse("2026-12-07T09:00:01Z"));
        String fine = store.customerWrites("t-fine", "m-2", Priority.URGENT);
        FirstResponseAlarms failingOnce = new FirstResponseAlarms(store.timers, (c, after, note, now) -> {
            if (note.conversationId().equals(stuck)) {
                throw new java.sql.SQLException("the desk note could not be stored");
            }
            return store.writer.storeInternalNote(c, after, note, now);
        }, store.metrics, store.clock, store.journal);

        store.clock.set(Instant.parse("2026-12-07T09:16:00Z"));
        assertThat(store.submit(failingOnce.poll())).isEqualTo(2);

        assertThat(store.timer(fine).state()).isEqualTo("BREACHED");
        assertThat(store.notes(fine)).hasSize(1);
        assertThat(store.timer(stuck).state()).as("rolled back, nothing half-recorded").isEqualTo("RUNNING");
        assertThat(store.timer(stuck).events()).isEmpty();
        assertThat(store.notes(stuck)).isEmpty();
        assertThat(store.counter("omnibridge.first.response.breaches", "URGENT")).as("only the one that fired")
                .isEqualTo(1.0);
        assertThat(store.pollAt(Instant.parse("2026-12-07T09:16:59Z"))).as("not before a minute").isZero();
        assertThat(store.pollAt(Instant.parse("2026-12-07T09:17:00Z"))).isOne();
        assertThat(store.timer(stuck).state()).isEqualTo("BREACHED");
        assertThat(store.notes(stuck)).hasSize(1);
    }

    @Test
    void aBurstOfDueClocksIsFiredPageByPageWithEachBreachOnce() throws Exception {
        open(MONDAY_9H, "{\"warnAt\":0}");
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < FirstResponseAlarms.PAGE + 20; i++) {
            conversations.add(store.customerWrites("t-" + i, "m-" + i, Priority.URGENT));
        }

        store.clock.set(Instant.parse("2026-12-07T09:15:00Z"));
        assertThat(store.submit(store.alarms.poll())).as("one page per unit").isEqualTo(FirstResponseAlarms.PAGE);
        // The full page queued the next one at once, behind it in the journal.
        dev.omnibridge.hub.testing.Poll.until("the rest is fired", () -> {
            try {
                return store.count("SELECT COUNT(*) FROM first_response_timers WHERE breached_at IS NOT NULL")
                        == conversations.size();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(store.count("SELECT COUNT(*) FROM messages WHERE direction = 'INTERNAL'"))
                .isEqualTo(conversations.size());
        assertThat(store.submit(store.alarms.poll())).isZero();
    }
}
