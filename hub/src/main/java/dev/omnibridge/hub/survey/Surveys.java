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

    /** "Every conversation may have a waiting survey": the store decides (a store several nodes write). */
    private static final class EveryConversation extends java.util.AbstractSet<String> {
        @Override
        public boolean contains(Object o) {
            return o != null;
        }

        @Override
        public boolean add(String id) {
            return false;
        }

        @Override
        public boolean remove(Object o) {
            return false;
        }

        @Override
        public boolean addAll(java.util.Collection<? extends String> ids) {
            return false;
        }

        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public int size() {
            return 0;
        }
    }

    /**
     * Loads the conversations whose survey waits, schedules the sender and returns the step to add to the writer's
     * conversation steps (before the bot's: a survey's answer is the survey's).
     */
    public static SurveyStep start(SurveyConfig config, ConversationOutbox outbox, Journal journal, Database database,
                                   SurveyChannels channels, CalendarLookup calendars, SurveyMetrics metrics,
                                   Clock clock) throws SQLException {
        // Issue 25: with other nodes writing the store, a survey another node scheduled is not in a set learnt here;
        // every customer message then looks its survey up in its transaction instead.
        Set<String> waiting = journal.sharedStore() ? new EveryConversation() : ConcurrentHashMap.newKeySet();
        waiting.addAll(SurveyTables.waiting(database));
        new SurveySender(config, outbox, channels, calendars, metrics, clock, journal, waiting).schedule();
        return new SurveyStep(config, outbox, calendars, metrics, waiting);
    }
}
