package dev.omnibridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Issue 21: a month of service written straight into a stopped hub's H2 store (its schema made by the hub itself),
 * with plain JDBC batches: {@code messages} messages over messages / 10 conversations on four channels and two desks,
 * created evenly over the 30 days before {@code end}; about three answered first-response clocks per conversation
 * (customers often write twice before an answer), warnings and breaches, 85 % resolved, a bot answer in 30 % of
 * them (40 % of those handed off), a survey answered after 20 % of resolutions (CSAT, NPS one in seven).
 */
final class AnalyticsSeed {
    static final List<String> CHANNELS = List.of("web", "sms", "whatsapp", "telegram");
    static final List<String> DESKS = List.of("desk", "zendesk");
    private static final String[] PRIORITIES = {"LOW", "NORMAL", "NORMAL", "NORMAL", "HIGH", "URGENT"};
    private static final int COMMIT_EVERY = 20_000;

    /** What was written. */
    record Written(long messages, long conversations, long timerEvents, long botEvents, long surveys) {
    }

    private AnalyticsSeed() {
    }

    static Written write(Path dataDir, int messages, Instant end) throws SQLException {
        String url = "jdbc:h2:file:" + dataDir.resolve("omnibridge").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        Random random = new Random(21);
        int conversations = Math.max(1, messages / 10);
        long monthSeconds = 30L * 24 * 3600;
        Instant start = end.minusSeconds(monthSeconds);
        long timerEvents = 0;
        long botEvents = 0;
        long surveys = 0;
        long written = 0;
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.executeUpdate("INSERT INTO contacts (id, display_name, created_at) VALUES ('seed-contact', "
                        + "'Seed', TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00+00')");
            }
            Batches b = new Batches(c);
            for (int i = 0; i < conversations; i++) {
                String id = "an-" + i;
                String channel = CHANNELS.get(random.nextInt(CHANNELS.size()));
                String desk = DESKS.get(random.nextInt(DESKS.size()));
                String priority = PRIORITIES[random.nextInt(PRIORITIES.length)];
                Instant created = start.plusSeconds((long) (monthSeconds * (i + random.nextDouble()) / conversations));
                int n = i == conversations - 1 ? messages - (int) written : 10;
                // Customer and agent turns: 1-2 customer messages, then a reply (a first response to that clock).
                List<Object[]> turns = new ArrayList<>();
                Instant t = created;
                boolean customer = true;
                Instant clock = null;
                int inRow = 0;
                for (int m = 0; m < n; m++) {
                    if (customer) {
                        if (clock == null) {
                            clock = t;
                        }
                        turns.add(new Object[] {"INBOUND", t});
                        inRow++;
                        customer = inRow < 1 + random.nextInt(2);
                    } else {
                        turns.add(new Object[] {"OUTBOUND", t});
                        if (random.nextInt(5) == 0) {
                            b.timerEvent(id, "WARNED", clock.plusSeconds(1800), priority, clock);
                            timerEvents++;
                        }
                        if (random.nextInt(10) == 0) {
                            b.timerEvent(id, "BREACHED", clock.plusSeconds(3600), priority, clock);
                            timerEvents++;
                        }
                        b.timerEvent(id, "ANSWERED", t, priority, clock);
                        timerEvents++;
                        clock = null;
                        inRow = 0;
                        customer = true;
                    }
                    t = t.plusSeconds(30 + random.nextInt(2 * 3600));
                }
                boolean resolved = random.nextInt(100) < 85;
                Instant resolvedAt = resolved ? t.plusSeconds(random.nextInt(4 * 3600)) : null;
                b.conversation(id, channel, created, t, resolvedAt);
                for (Object[] turn : turns) {
                    b.message(id, channel, (String) turn[0], (Instant) turn[1]);
                }
                written += turns.size();
                b.ticket(id, desk, created);
                b.timer(id, channel, priority, resolved ? null : clock);
                if (random.nextInt(100) < 30) {
                    b.botEvent(id, channel, "ANSWERED", created.plusSeconds(2));
                    botEvents++;
                    int outcome = random.nextInt(10);
                    if (outcome < 4) {
                        b.botEvent(id, channel, "HANDED_OFF", created.plusSeconds(60));
                        botEvents++;
                    } else if (outcome < 6) {
                        b.botEvent(id, channel, "HELPED", created.plusSeconds(60));
                        botEvents++;
                    }
                } else if (random.nextInt(10) == 0) {
                    b.botEvent(id, channel, "SUGGESTED", created.plusSeconds(2));
                    botEvents++;
                }
                if (resolved && random.nextInt(100) < 20) {
                    boolean nps = random.nextInt(7) == 0;
                    b.survey(id, channel, desk, nps ? "NPS" : "CSAT", resolvedAt,
                            nps ? random.nextInt(11) : 1 + random.nextInt(5));
                    surveys++;
                }
                if (b.rows >= COMMIT_EVERY) {
                    b.flush();
                }
            }
            b.flush();
            b.close();
        }
        return new Written(written, conversations, timerEvents, botEvents, surveys);
    }

    /** The prepared statements, executed and committed every {@link #COMMIT_EVERY} rows. */
    private static final class Batches {
        final Connection c;
        final PreparedStatement conversations;
        final PreparedStatement messages;
        final PreparedStatement tickets;
        final PreparedStatement timers;
        final PreparedStatement timerEvents;
        final PreparedStatement botEvents;
        final PreparedStatement surveys;
        int rows;
        long seq;

        Batches(Connection c) throws SQLException {
            this.c = c;
            conversations = c.prepareStatement("INSERT INTO conversations (id, channel_type, channel_instance, "
                    + "thread_key, contact_id, status, created_at, last_message_at, resolved_at) VALUES (?, "
                    + "'webhook-channel', ?, ?, 'seed-contact', ?, ?, ?, ?)");
            messages = c.prepareStatement("INSERT INTO messages (id, source_instance, source_id, conversation_id, "
                    + "direction, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
            tickets = c.prepareStatement("INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, "
                    + "created_at) VALUES (?, ?, ?, ?)");
            timers = c.prepareStatement("INSERT INTO first_response_timers (conversation_id, channel_instance, "
                    + "priority, started_at) VALUES (?, ?, ?, ?)");
            timerEvents = c.prepareStatement("INSERT INTO first_response_events (conversation_id, kind, "
                    + "happened_at, priority, clock_started_at, target_seconds, waited_seconds) "
                    + "VALUES (?, ?, ?, ?, ?, 3600, 0)");
            botEvents = c.prepareStatement("INSERT INTO self_service_events (conversation_id, channel_instance, kind, "
                    + "created_at) VALUES (?, ?, ?, ?)");
            surveys = c.prepareStatement("INSERT INTO surveys (conversation_id, contact_id, channel_instance, "
                    + "desk_instance, kind, state, resolved_at, due_at, sent_at, rating, answered_at) VALUES (?, "
                    + "'seed-contact', ?, ?, ?, 'DONE', ?, ?, ?, ?, ?)");
        }

        void conversation(String id, String channel, Instant created, Instant last, Instant resolved)
                throws SQLException {
            set(conversations, id, channel, "t-" + id, resolved == null ? "OPEN" : "RESOLVED", created, last,
                    resolved);
        }

        void message(String conversation, String channel, String direction, Instant at) throws SQLException {
            seq++;
            set(messages, "seed-m-" + seq, "INBOUND".equals(direction) ? channel : "desk", "s-" + seq, conversation,
                    direction, "{\"direction\":\"" + direction + "\",\"text\":\"A seeded message of the analytics "
                            + "bench, about as long as a short customer message.\"}", at);
        }

        void ticket(String conversation, String desk, Instant at) throws SQLException {
            set(tickets, conversation, desk, "T-" + conversation, at);
        }

        void timer(String conversation, String channel, String priority, Instant startedAt) throws SQLException {
            set(timers, conversation, channel, priority, startedAt);
        }

        void timerEvent(String conversation, String kind, Instant at, String priority, Instant clock)
                throws SQLException {
            set(timerEvents, conversation, kind, at, priority, clock);
        }

        void botEvent(String conversation, String channel, String kind, Instant at) throws SQLException {
            set(botEvents, conversation, channel, kind, at);
        }

        void survey(String conversation, String channel, String desk, String kind, Instant resolved, int rating)
                throws SQLException {
            Instant sent = resolved.plusSeconds(900);
            set(surveys, conversation, channel, desk, kind, resolved, sent, sent, rating, sent.plusSeconds(300));
        }

        private void set(PreparedStatement ps, Object... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                ps.setObject(i + 1, v instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : v);
            }
            ps.addBatch();
            rows++;
        }

        void flush() throws SQLException {
            // Parents first: the journal's messages refer to their conversation.
            for (PreparedStatement ps : List.of(conversations, messages, tickets, timers, timerEvents, botEvents,
                    surveys)) {
                ps.executeBatch();
            }
            c.commit();
            rows = 0;
        }

        void close() throws SQLException {
            for (PreparedStatement ps : List.of(conversations, messages, tickets, timers, timerEvents, botEvents,
                    surveys)) {
                ps.close();
            }
        }
    }
}
