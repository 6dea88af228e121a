package dev.omnibridge.hub.survey;

import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.SurveyTables;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Starts the satisfaction surveys: the step in the writer's transactions and the sender on the journal's timer. */
public final class Surveys {
    private Surveys() {
    }

    /**
     * Loads the conversations whose survey waits, schedules the sender and returns the step to add to the writer's
     * conversation steps (before the bot's: a survey's answer is the survey's).
     */
    public static SurveyStep start(SurveyConfig config, ConversationOutbox outbox, Journal journal, Database database,
                                   SurveyChannels channels, CalendarLookup calendars, SurveyMetrics metrics,
                                   Clock clock) throws SQLException {
        Set<String> waiting = ConcurrentHashMap.newKeySet();
        waiting.addAll(SurveyTables.waiting(database));
        new SurveySender(config, outbox, channels, calendars, metrics, clock, journal, waiting).schedule();
        return new SurveyStep(config, outbox, calendars, metrics, waiting);
    }
}
