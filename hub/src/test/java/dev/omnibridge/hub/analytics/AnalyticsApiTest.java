package dev.omnibridge.hub.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every analytics endpoint on a real hub over a journal seeded with plain SQL (two channels, two desks, routed and
 * ticketed conversations, priorities, replies, resolutions, bot events, surveys, timer events), its figures
 * compared with figures this test computes from its own seed model, not through the hub's code. Volumes are checked
 * before the roll-up (counted from the journal) and after it (from the hourly table).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsApiTest {
    private static final String TOKEN = "analytics-admin-token";
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-03T00:00:00Z");
    private static final String RANGE = "from=2026-12-01T00:00:00Z&to=2026-12-03T00:00:00Z";
    private static final List<String> CHANNELS = List.of("web", "sms");
    private static final List<String> DESKS = List.of("zendesk", "freshdesk");
    private static final List<String> PRIORITIES = List.of("LOW", "NORMAL", "HIGH", "URGENT");

    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;
    private HubConfig config;

    /** The seed: what the test knows of each conversation. */
    private static final class Conv {
        String id;
        String channel;
        Set<String> desks = new LinkedHashSet<>();
        String priority;
        boolean hasTimer;
        Instant created;
        Instant resolved;
        Instant waitingSince;
        final List<Instant[]> answers = new ArrayList<>(); // {clock started, answered}
        final List<Object[]> timerEvents = new ArrayList<>(); // {kind, at}
        final List<Object[]> botEvents = new ArrayList<>(); // {kind, at}
        Object[] survey; // {kind, rating, answeredAt, state, desk}
        final List<Object[]> messages = new ArrayList<>(); // {direction, at}

        Set<String> deskKeys() {
            return desks.isEmpty() ? Set.of("(none)") : desks;
        }

        String timerPriority() {
            return hasTimer ? priority : "NORMAL";
        }
    }

    private final List<Conv> convs = new ArrayList<>();

    @BeforeAll
    void seedAndStart() throws Exception {
        seedModel();
        config = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(), List.of());
        try (Database db = Database.open(config.store(), config.dataDir(), 2);
             Connection c = db.connection()) {
            write(c);
        }
        hub = Hub.start(config, List.of(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private void seedModel() {
        Random random = new Random(21);
        for (int i = 0; i < 60; i++) {
            Conv v = new Conv();
            v.id = "conv-" + i;
            v.channel = CHANNELS.get(i % 2);
            int deskCase = i % 5; // 0,1: one ticket; 2: two tickets; 3: routed, no ticket yet; 4: none
            if (deskCase < 2) {
                v.desks.add(DESKS.get(i % 2));
            } else if (deskCase == 2) {
                v.desks.addAll(DESKS);
            } else if (deskCase == 3) {
                v.desks.add("freshdesk");
            }
            v.hasTimer = i % 7 != 6;
            v.priority = v.hasTimer ? PRIORITIES.get(random.nextInt(4)) : "NORMAL";
            // Created from a day before the range to its end.
            v.created = FROM.minus(Duration.ofHours(24)).plusSeconds(random.nextInt(72 * 3600));
            Instant t = v.created;
            v.messages.add(new Object[] {"INBOUND", t});
            int replies = 1 + random.nextInt(3);
            for (int r = 0; r < replies; r++) {
                Instant started = t;
                Instant answered = started.plusSeconds(30 + random.nextInt(4 * 3600));
                v.messages.add(new Object[] {"OUTBOUND", answered});
                if (random.nextInt(4) == 0) {
                    v.messages.add(new Object[] {"INTERNAL", answered.plusSeconds(5)});
                }
                if (v.hasTimer) {
                    // As the timers fire them: a warning or breach only while the clock still runs.
                    if (random.nextInt(3) == 0 && answered.isAfter(started.plusSeconds(60))) {
                        v.timerEvents.add(new Object[] {"WARNED", started.plusSeconds(60)});
                    }
                    if (random.nextInt(4) == 0 && answered.isAfter(started.plusSeconds(90))) {
                        v.timerEvents.add(new Object[] {"BREACHED", started.plusSeconds(90)});
                    }
                    v.timerEvents.add(new Object[] {"ANSWERED", answered});
                    v.answers.add(new Instant[] {started, answered});
                }
                t = answered.plusSeconds(60 + random.nextInt(3600));
                v.messages.add(new Object[] {"INBOUND", t});
            }
            if (i % 3 != 0) {
                v.resolved = t.plusSeconds(600 + random.nextInt(8 * 3600));
            } else if (v.hasTimer && i % 2 == 0) {
                v.waitingSince = t; // open, the last customer message unanswered
            }
            if (i % 4 != 3) {
                Instant at = v.created.plusSeconds(2);
                v.botEvents.add(new Object[] {i % 4 == 2 ? "SUGGESTED" : "ANSWERED", at});
                if (i % 4 == 0) {
                    v.botEvents.add(new Object[] {random.nextBoolean() ? "HELPED" : "NOT_HELPED", at.plusSeconds(30)});
                }
                if (i % 8 == 0 || i % 4 == 2 && i % 3 == 0) {
                    v.botEvents.add(new Object[] {"HANDED_OFF", at.plusSeconds(40)});
                }
            } else if (i % 8 == 7) {
                v.botEvents.add(new Object[] {"HANDED_OFF", v.created.plusSeconds(3)});
            }
            if (v.resolved != null) {
                boolean nps = i % 5 == 1;
                String state = i % 2 == 0 ? "DONE" : "RATED";
                if (i % 11 == 5) {
                    state = "SENT"; // asked, no answer: not counted
                }
                int rating = nps ? random.nextInt(11) : 1 + random.nextInt(5);
                String desk = v.desks.isEmpty() ? null : v.desks.iterator().next();
                v.survey = new Object[] {nps ? "NPS" : "CSAT", rating, v.resolved.plusSeconds(1800), state, desk};
            }
            convs.add(v);
        }
    }

    private void write(Connection c) throws SQLException {
        c.setAutoCommit(false);
        update(c, "INSERT INTO contacts (id, display_name, created_at) VALUES ('contact-a', 'A', ?)", FROM);
        int seq = 0;
        List<Object[]> allMessages = new ArrayList<>();
        for (Conv v : convs) {
            update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, status, "
                    + "created_at, last_message_at, resolved_at) VALUES (?, 'webhook-channel', ?, ?, 'contact-a', ?, ?, ?, ?)",
                    v.id, v.channel, "t-" + v.id, v.resolved == null ? "OPEN" : "RESOLVED", v.created, v.created,
                    v.resolved);
            int position = 0;
            for (String desk : v.desks) {
                boolean routedOnly = v.desks.size() == 1 && Integer.parseInt(v.id.substring(5)) % 5 == 3;
                if (routedOnly) {
                    update(c, "INSERT INTO conversation_routes (conversation_id, desk, position, assignment, route, "
                            + "active, created_at) VALUES (?, ?, 0, '', 'vip', TRUE, ?)", v.id, desk, v.created);
                    // An inactive route (dropped by a re-route) counts for nothing.
                    update(c, "INSERT INTO conversation_routes (conversation_id, desk, position, assignment, route, "
                            + "active, created_at) VALUES (?, 'zendesk', 1, '', 'old', FALSE, ?)", v.id, v.created);
                } else {
                    update(c, "INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) "
                            + "VALUES (?, ?, ?, ?)", v.id, desk, "T-" + v.id, v.created);
                    if (position == 0) {
                        // A routed desk that also has the ticket counts once.
                        update(c, "INSERT INTO conversation_routes (conversation_id, desk, position, assignment, "
                                + "route, active, created_at) VALUES (?, ?, 0, '', 'r', TRUE, ?)", v.id, desk, v.created);
                    }
                }
                position++;
            }
            if (v.hasTimer) {
                update(c, "INSERT INTO first_response_timers (conversation_id, channel_instance, priority, started_at) "
                        + "VALUES (?, ?, ?, ?)", v.id, v.channel, v.priority, v.waitingSince);
            }
            for (Object[] e : v.timerEvents) {
                Instant at = (Instant) e[1];
                update(c, "INSERT INTO first_response_events (conversation_id, kind, happened_at, priority, "
                        + "clock_started_at, target_seconds, waited_seconds) VALUES (?, ?, ?, ?, ?, 3600, 10)", v.id,
                        e[0], at, v.priority, clockOf(v, at));
            }
            for (Object[] e : v.botEvents) {
                update(c, "INSERT INTO self_service_events (conversation_id, channel_instance, kind, created_at) "
                        + "VALUES (?, ?, ?, ?)", v.id, v.channel, e[0], e[1]);
            }
            if (v.survey != null) {
                Object[] s = v.survey;
                boolean answered = !"SENT".equals(s[3]);
                update(c, "INSERT INTO surveys (conversation_id, contact_id, channel_instance, desk_instance, kind, "
                        + "state, resolved_at, due_at, sent_at, rating, answered_at) VALUES (?, 'contact-a', ?, ?, ?, ?, "
                        + "?, ?, ?, ?, ?)", v.id, v.channel, s[4], s[0], s[3], v.resolved, v.resolved, v.resolved,
                        answered ? s[1] : null, answered ? s[2] : null);
            }
            for (Object[] m : v.messages) {
                allMessages.add(new Object[] {v.id, m[0], m[1]});
            }
        }
        allMessages.sort((a, b) -> ((Instant) a[2]).compareTo((Instant) b[2]));
        for (Object[] m : allMessages) {
            seq++;
            update(c, "INSERT INTO messages (id, source_instance, source_id, conversation_id, direction, body, "
                    + "received_at) VALUES (?, 'seed', ?, ?, ?, '{}', ?)", "m-" + seq, "s-" + seq, m[0], m[1], m[2]);
        }
        c.commit();
    }

    private static Instant clockOf(Conv v, Instant at) {
        Instant start = null;
        for (Instant[] a : v.answers) {
            if (!a[0].isAfter(at)) {
                start = a[0];
            }
        }
        return start;
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                ps.setObject(i + 1, p instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : p);
            }
            ps.executeUpdate();
        }
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = local.send(local.withToken(local.get(path)));
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return json(r);
    }

    private static boolean in(Instant at) {
        return !at.isBefore(FROM) && at.isBefore(TO);
    }

    // ---- volumes ----

    private Map<String, long[]> expectedVolumes(String channel) {
        Map<String, long[]> hours = new TreeMap<>();
        for (Conv v : convs) {
            if (channel != null && !channel.equals(v.channel)) {
                continue;
            }
            for (Object[] m : v.messages) {
                Instant at = (Instant) m[1];
                if (in(at) && !"INTERNAL".equals(m[0])) {
                    long[] p = hours.computeIfAbsent(v.channel + "|" + at.truncatedTo(ChronoUnit.HOURS), k -> new long[2]);
                    p["INBOUND".equals(m[0]) ? 0 : 1]++;
                }
            }
        }
        return hours;
    }

    private void assertVolumes() {
        JsonNode body = get("/api/analytics/volumes?" + RANGE + "&bucket=hour");
        Map<String, long[]> expected = expectedVolumes(null);
        long in = 0;
        long out = 0;
        for (long[] p : expected.values()) {
            in += p[0];
            out += p[1];
        }
        assertThat(body.path("bucket").asText()).isEqualTo("hour");
        assertThat(body.path("totals").path("inbound").asLong()).isEqualTo(in);
        assertThat(body.path("totals").path("outbound").asLong()).isEqualTo(out);
        assertThat(body.path("series")).hasSize(2);
        Map<String, long[]> actual = new TreeMap<>();
        for (JsonNode s : body.path("series")) {
            assertThat(s.path("points")).as("every hour of the two days").hasSize(48);
            for (JsonNode p : s.path("points")) {
                if (p.path("inbound").asLong() + p.path("outbound").asLong() > 0) {
                    actual.put(s.path("channel").asText() + "|" + p.path("at").asText(),
                            new long[] {p.path("inbound").asLong(), p.path("outbound").asLong()});
                }
            }
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, p) -> assertThat(actual.get(k)).as(k).containsExactly(p));

        JsonNode days = get("/api/analytics/volumes?" + RANGE + "&bucket=day&channel=sms");
        assertThat(days.path("series")).hasSize(1);
        JsonNode points = days.path("series").get(0).path("points");
        assertThat(points).hasSize(2);
        long smsDay1 = expectedVolumes("sms").entrySet().stream()
                .filter(e -> e.getKey().contains("2026-12-01T")).mapToLong(e -> e.getValue()[0]).sum();
        assertThat(points.get(0).path("at").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(points.get(0).path("inbound").asLong()).isEqualTo(smsDay1);
    }

    @Test
    void volumesPerChannelAndHourCountCustomerMessagesAndRepliesBeforeAndAfterTheRollUp() throws Exception {
        assertVolumes();
        // After the writer's roll-up (every 5 s) the same figures come from the hourly table.
        try (Database db = Database.open(config.store(), config.dataDir(), 2)) {
            Poll.until("the roll-up passed the seeded messages", () -> mark(db) > 0);
        }
        assertVolumes();
    }

    private static long mark(Database db) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT mark FROM store_marks WHERE name = 'analytics_volumes'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- response times ----

    /** Nearest rank, written out: the value at 1-based rank ceil(p * n) of the sorted values. */
    private static double nearestRank(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    private static void assertTimed(JsonNode rows, Map<String, List<Double>> expected, String what) {
        Map<String, JsonNode> byKey = new HashMap<>();
        rows.forEach(r -> byKey.put(r.path("key").asText(), r));
        assertThat(byKey.keySet()).as(what).isEqualTo(expected.keySet());
        expected.forEach((key, values) -> {
            JsonNode r = byKey.get(key);
            assertThat(r.path("count").asInt()).as(what + " " + key).isEqualTo(values.size());
            assertThat(r.path("medianSeconds").asDouble()).as(what + " median " + key)
                    .isCloseTo(nearestRank(values, 0.5), within(0.001));
            assertThat(r.path("p90Seconds").asDouble()).as(what + " p90 " + key)
                    .isCloseTo(nearestRank(values, 0.9), within(0.001));
        });
    }

    private Map<String, List<Double>> firstResponses(Function<Conv, Collection<String>> keys, Predicate<Conv> filter) {
        Map<String, List<Double>> out = new TreeMap<>();
        for (Conv v : convs) {
            if (!filter.test(v)) {
                continue;
            }
            // The conversation's first reply only: later answers in it are no first response.
            Instant[] a = v.answers.isEmpty() ? null : v.answers.get(0);
            if (a != null && in(a[1])) {
                for (String k : keys.apply(v)) {
                    out.computeIfAbsent(k, x -> new ArrayList<>()).add((double) Duration.between(a[0], a[1]).getSeconds());
                }
            }
        }
        return out;
    }

    private Map<String, List<Double>> resolutions(Function<Conv, Collection<String>> keys, Predicate<Conv> filter) {
        Map<String, List<Double>> out = new TreeMap<>();
        for (Conv v : convs) {
            if (filter.test(v) && v.resolved != null && in(v.resolved)) {
                for (String k : keys.apply(v)) {
                    out.computeIfAbsent(k, x -> new ArrayList<>()).add((double) Duration.between(v.created, v.resolved).getSeconds());
                }
            }
        }
        return out;
    }

    @Test
    void firstResponseAndResolutionTimesPerChannelDeskAndPriorityAreNearestRankMediansAndP90s() {
        JsonNode byChannel = get("/api/analytics/response-times?" + RANGE + "&by=channel");
        assertThat(byChannel.path("by").asText()).isEqualTo("channel");
        assertTimed(byChannel.path("firstResponse"), firstResponses(v -> List.of(v.channel), v -> true), "first/channel");
        assertTimed(byChannel.path("resolution"), resolutions(v -> List.of(v.channel), v -> true), "resolution/channel");

        JsonNode byDesk = get("/api/analytics/response-times?" + RANGE + "&by=desk");
        assertTimed(byDesk.path("firstResponse"), firstResponses(Conv::deskKeys, v -> true), "first/desk");
        assertTimed(byDesk.path("resolution"), resolutions(Conv::deskKeys, v -> true), "resolution/desk");

        JsonNode byPriority = get("/api/analytics/response-times?" + RANGE + "&by=priority");
        assertTimed(byPriority.path("firstResponse"), firstResponses(v -> List.of(v.priority), v -> true),
                "first/priority");
        assertTimed(byPriority.path("resolution"), resolutions(v -> List.of(v.timerPriority()), v -> true),
                "resolution/priority");

        JsonNode filtered = get("/api/analytics/response-times?" + RANGE + "&by=priority&channel=web&desk=freshdesk");
        Predicate<Conv> webFresh = v -> v.channel.equals("web") && v.desks.contains("freshdesk");
        assertTimed(filtered.path("firstResponse"), firstResponses(v -> List.of(v.priority), webFresh),
                "first/filtered");
        assertTimed(filtered.path("resolution"), resolutions(v -> List.of(v.timerPriority()), webFresh),
                "resolution/filtered");

        JsonNode high = get("/api/analytics/response-times?" + RANGE + "&by=channel&priority=high");
        assertTimed(high.path("firstResponse"), firstResponses(v -> List.of(v.channel), v -> v.priority.equals("HIGH")),
                "first/high");
    }

    // ---- automation ----

    @Test
    void automationCountsConversationsAnsweredHandedOffAndContained() {
        JsonNode body = get("/api/analytics/automation?" + RANGE + "&by=channel");
        Map<String, JsonNode> rows = new HashMap<>();
        body.path("rows").forEach(r -> rows.put(r.path("key").asText(), r));
        Set<String> allAnswered = new HashSet<>();
        Set<String> allHanded = new HashSet<>();
        for (String channel : CHANNELS) {
            Set<String> answered = new HashSet<>();
            Set<String> handed = new HashSet<>();
            Set<String> suggested = new HashSet<>();
            for (Conv v : convs) {
                if (!v.channel.equals(channel)) {
                    continue;
                }
                for (Object[] e : v.botEvents) {
                    if (!in((Instant) e[1])) {
                        continue;
                    }
                    switch ((String) e[0]) {
                        case "ANSWERED" -> answered.add(v.id);
                        case "HANDED_OFF" -> handed.add(v.id);
                        case "SUGGESTED" -> suggested.add(v.id);
                        default -> { }
                    }
                }
            }
            allAnswered.addAll(answered);
            allHanded.addAll(handed);
            Set<String> contained = new HashSet<>(answered);
            contained.removeAll(handed);
            JsonNode r = rows.get(channel);
            assertThat(r).as(channel).isNotNull();
            assertThat(r.path("answered").asInt()).isEqualTo(answered.size());
            assertThat(r.path("handedOff").asInt()).isEqualTo(handed.size());
            assertThat(r.path("suggested").asInt()).isEqualTo(suggested.size());
            assertThat(r.path("contained").asInt()).isEqualTo(contained.size());
            assertThat(r.path("containmentRate").asDouble())
                    .isCloseTo((double) contained.size() / answered.size(), within(0.0001));
        }
        Set<String> contained = new HashSet<>(allAnswered);
        contained.removeAll(allHanded);
        assertThat(body.path("total").path("answered").asInt()).isEqualTo(allAnswered.size());
        assertThat(body.path("total").path("contained").asInt()).isEqualTo(contained.size());
        assertThat(allAnswered).as("the seed answers and hands off").isNotEmpty();
        assertThat(contained.size()).as("the seed has both outcomes").isBetween(1, allAnswered.size() - 1);
    }

    // ---- csat and nps ----

    @Test
    void csatPerChannelAndDeskWithDistributionSatisfiedShareAndNps() {
        for (String by : List.of("channel", "desk")) {
            JsonNode body = get("/api/analytics/csat?" + RANGE + "&by=" + by);
            Map<String, long[]> expected = new TreeMap<>();
            long[] nps = new long[3]; // promoters, passives, detractors
            for (Conv v : convs) {
                Object[] s = v.survey;
                if (s == null || "SENT".equals(s[3]) || !in((Instant) s[2])) {
                    continue;
                }
                int rating = (Integer) s[1];
                if ("NPS".equals(s[0])) {
                    nps[rating >= 9 ? 0 : rating >= 7 ? 1 : 2]++;
                } else {
                    String key = by.equals("channel") ? v.channel : s[4] == null ? "(none)" : (String) s[4];
                    expected.computeIfAbsent(key, k -> new long[6])[rating]++;
                }
            }
            Map<String, JsonNode> rows = new HashMap<>();
            body.path("rows").forEach(r -> rows.put(r.path("key").asText(), r));
            assertThat(rows.keySet()).isEqualTo(expected.keySet());
            expected.forEach((key, counts) -> {
                JsonNode r = rows.get(key);
                long n = 0;
                long sum = 0;
                for (int i = 1; i <= 5; i++) {
                    n += counts[i];
                    sum += i * counts[i];
                    assertThat(r.path("distribution").path(Integer.toString(i)).asLong()).as(key + " " + i)
                            .isEqualTo(counts[i]);
                }
                assertThat(r.path("responses").asLong()).isEqualTo(n);
                assertThat(r.path("average").asDouble()).isCloseTo((double) sum / n, within(0.0001));
                assertThat(r.path("satisfiedShare").asDouble()).isCloseTo((double) (counts[4] + counts[5]) / n,
                        within(0.0001));
            });
            long responses = nps[0] + nps[1] + nps[2];
            assertThat(responses).as("the seed has NPS answers").isPositive();
            assertThat(body.path("nps").path("responses").asLong()).isEqualTo(responses);
            assertThat(body.path("nps").path("promoters").asLong()).isEqualTo(nps[0]);
            assertThat(body.path("nps").path("passives").asLong()).isEqualTo(nps[1]);
            assertThat(body.path("nps").path("detractors").asLong()).isEqualTo(nps[2]);
            assertThat(body.path("nps").path("score").asDouble())
                    .isCloseTo(100.0 * (nps[0] - nps[2]) / responses, within(0.0001));
        }
    }

    // ---- sla ----

    /**
     * The first-response target of each conversation as the test sees it: settled by its first answer or breach
     * ({kind, at, warned before}), or null while neither happened.
     */
    private static Object[] target(Conv v) {
        boolean warned = false;
        for (Object[] e : v.timerEvents) {
            if ("WARNED".equals(e[0])) {
                warned = true;
            } else {
                return new Object[] {e[0], e[1], warned};
            }
        }
        return null;
    }

    @Test
    void slaCountsEachConversationsFirstResponseTargetMetBreachedAndWarnedPerChannelDeskAndPriority() {
        for (String by : List.of("channel", "priority", "desk")) {
            JsonNode body = get("/api/analytics/sla?" + RANGE + "&by=" + by);
            Map<String, int[]> expected = new TreeMap<>(); // conversations, met, breached, warned
            int[] total = new int[4];
            for (Conv v : convs) {
                Object[] t = target(v);
                if (t == null || !in((Instant) t[1])) {
                    continue;
                }
                Collection<String> keys = switch (by) {
                    case "channel" -> List.of(v.channel);
                    case "priority" -> List.of(v.priority);
                    default -> v.deskKeys();
                };
                List<int[]> counts = new ArrayList<>();
                keys.forEach(k -> counts.add(expected.computeIfAbsent(k, x -> new int[4])));
                counts.add(total);
                for (int[] n : counts) {
                    n[0]++;
                    n["ANSWERED".equals(t[0]) ? 1 : 2]++;
                    n[3] += (boolean) t[2] ? 1 : 0;
                }
            }
            Map<String, JsonNode> rows = new HashMap<>();
            body.path("rows").forEach(r -> rows.put(r.path("key").asText(), r));
            assertThat(rows.keySet()).as(by).isEqualTo(expected.keySet());
            assertThat(total[2]).as("the seed has breaches").isPositive();
            expected.forEach((key, n) -> assertSla(rows.get(key), n, by + " " + key));
            assertSla(body.path("total"), total, by + " total");
        }
    }

    private static void assertSla(JsonNode row, int[] n, String what) {
        assertThat(row.path("conversations").asInt()).as(what).isEqualTo(n[0]);
        assertThat(row.path("met").asInt()).as(what).isEqualTo(n[1]);
        assertThat(row.path("breached").asInt()).as(what).isEqualTo(n[2]);
        assertThat(row.path("closed").asInt()).as(what).isZero();
        assertThat(row.path("warned").asInt()).as(what).isEqualTo(n[3]);
        assertThat(row.path("breachRate").asDouble()).as(what).isCloseTo((double) n[2] / n[0], within(0.0001));
    }

    // ---- backlog ----

    @Test
    void backlogCountsOpenAndWaitingConversationsAndTheOldestWaitNow() {
        JsonNode body = get("/api/analytics/backlog?by=desk");
        Map<String, int[]> expected = new TreeMap<>();
        Map<String, Instant> oldest = new HashMap<>();
        int open = 0;
        for (Conv v : convs) {
            if (v.resolved != null) {
                continue;
            }
            open++;
            for (String desk : v.deskKeys()) {
                int[] n = expected.computeIfAbsent(desk, k -> new int[2]);
                n[0]++;
                if (v.waitingSince != null) {
                    n[1]++;
                    oldest.merge(desk, v.waitingSince, (a, b) -> a.isBefore(b) ? a : b);
                }
            }
        }
        assertThat(body.path("open").asInt()).isEqualTo(open);
        Map<String, JsonNode> rows = new HashMap<>();
        body.path("rows").forEach(r -> rows.put(r.path("key").asText(), r));
        assertThat(rows.keySet()).isEqualTo(expected.keySet());
        expected.forEach((desk, n) -> {
            JsonNode r = rows.get(desk);
            assertThat(r.path("open").asInt()).as(desk).isEqualTo(n[0]);
            assertThat(r.path("waiting").asInt()).as(desk).isEqualTo(n[1]);
            if (oldest.containsKey(desk)) {
                assertThat(r.path("oldestWaitingSeconds").asLong())
                        .isEqualTo(Duration.between(oldest.get(desk), NOW).getSeconds());
            } else {
                assertThat(r.path("oldestWaitingSeconds").isNull()).isTrue();
            }
        });
        assertThat(oldest).as("the seed has waiting customers").isNotEmpty();
    }

    // ---- csv, errors, auth ----

    @Test
    void csvHasAHeaderRowAndTheJsonFigures() {
        HttpResponse<String> r = local.send(local.withToken(local.get("/api/analytics/sla?" + RANGE
                + "&by=channel&format=csv")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<String> lines = r.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("key,conversations,met,breached,closed,warned,breachRate");
        JsonNode json = get("/api/analytics/sla?" + RANGE + "&by=channel");
        JsonNode web = json.path("rows").get(1);
        assertThat(web.path("key").asText()).isEqualTo("web");
        assertThat(lines.get(2)).isEqualTo("web," + web.path("conversations").asInt() + ","
                + web.path("met").asInt() + "," + web.path("breached").asInt() + "," + web.path("closed").asInt()
                + "," + web.path("warned").asInt() + "," + web.path("breachRate").asDouble());
        assertThat(lines.get(lines.size() - 1)).startsWith("total,");

        HttpResponse<String> volumes = local.send(local.withToken(local.get("/api/analytics/volumes?" + RANGE
                + "&bucket=day")).header("Accept", "text/csv"));
        List<String> v = volumes.body().lines().toList();
        assertThat(v.get(0)).isEqualTo("channel,at,inbound,outbound");
        assertThat(v).hasSize(1 + 2 * 2);
        long inbound = v.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertThat(inbound).isEqualTo(expectedVolumes(null).values().stream().mapToLong(p -> p[0]).sum());

        HttpResponse<String> csat = local.send(local.withToken(local.get("/api/analytics/csat?" + RANGE
                + "&format=csv")));
        assertThat(csat.body().lines().findFirst().orElseThrow())
                .isEqualTo("key,responses,average,1,2,3,4,5,satisfiedShare");
    }

    @Test
    void badRangesAndFiltersAreClearErrorsAndTheTokenIsRequired() {
        assertThat(local.send(local.get("/api/analytics/volumes")).statusCode()).isEqualTo(401);
        Map<String, String> bad = Map.of(
                "/api/analytics/volumes?from=yesterday", "from must be an ISO-8601",
                "/api/analytics/csat?from=2026-12-03T00:00:00Z&to=2026-12-01T00:00:00Z", "from must be before to",
                "/api/analytics/sla?from=2024-01-01&to=2026-01-01", "at most 400 days",
                "/api/analytics/response-times?by=agent", "by must be one of channel, desk, priority",
                "/api/analytics/backlog?priority=asap", "priority must be one of",
                "/api/analytics/volumes?bucket=week", "bucket must be one of hour, day",
                "/api/analytics/volumes?desk=zendesk", "desk and priority filters do not apply",
                "/api/analytics/volumes?from=2026-01-01&to=2026-12-01", "use bucket=day",
                "/api/analytics/automation?format=xml", "format must be json or csv");
        bad.forEach((path, message) -> {
            HttpResponse<String> r = local.send(local.withToken(local.get(path)));
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(json(r).path("error").asText()).as(path).contains(message);
        });
        // The default range is the last 7 days up to now.
        JsonNode body = get("/api/analytics/automation");
        assertThat(body.path("to").asText()).isEqualTo(NOW.toString());
        assertThat(body.path("from").asText()).isEqualTo(NOW.minus(Duration.ofDays(7)).toString());
    }
}
