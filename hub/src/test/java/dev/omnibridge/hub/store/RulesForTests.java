package dev.omnibridge.hub.store;

import dev.omnibridge.hub.triage.Classified;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.hub.triage.TriageRecord;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small hand-written triage for the writer's tests (the rule language is tested on its own): "hallo" makes a
 * message German; German messages route to {@code desk-de} (route {@code german}, group 360000001), everything
 * else to {@code desk-en} (route {@code everything-else}); "#move" in the text re-routes; with {@code unanswered}
 * on, the third message without an answer is HIGH and tagged {@code chasing}, and every message carries its count as
 * tag {@code unanswered:n}. Routes are sticky (conditions) unless {@code sticky} is false.
 */
final class RulesForTests implements TriageStep {
    static final Map<String, String> GROUP = Map.of("group", "360000001");

    private final boolean unanswered;
    private final boolean sticky;
    private final String germanDesk;
    final Set<String> desks = ConcurrentHashMap.newKeySet();

    RulesForTests(boolean unanswered, boolean sticky) {
        this(unanswered, sticky, "desk-de");
    }

    /** @param germanDesk the desk German messages go to */
    RulesForTests(boolean unanswered, boolean sticky, String germanDesk) {
        this.unanswered = unanswered;
        this.sticky = sticky;
        this.germanDesk = germanDesk;
        desks.addAll(List.of(germanDesk, "desk-en", "archive"));
    }

    @Override
    public Message detectLanguage(Message m) {
        if (m.language() != null || m.text() == null || !m.text().toLowerCase().contains("hallo")) {
            return m;
        }
        Map<String, String> metadata = new HashMap<>(m.metadata());
        metadata.put(TriageRecord.LANGUAGE, "de 0.93");
        return m.toBuilder().language("de").metadata(metadata).build();
    }

    @Override
    public boolean needsUnanswered() {
        return unanswered;
    }

    @Override
    public Classified classify(Message m, int count) {
        if (!unanswered) {
            return new Classified(m, List.of());
        }
        Set<String> tags = new HashSet<>(m.tags());
        tags.add("unanswered:" + count);
        Message.Builder b = m.toBuilder();
        List<String> fired = List.of();
        if (count >= 3) {
            tags.add("chasing");
            b.priority(Priority.HIGH);
            fired = List.of("chasing");
        }
        return new Classified(b.tags(tags).build(), fired);
    }

    @Override
    public RouteDecision route(Message m) {
        boolean move = m.text() != null && m.text().contains("#move");
        if ("de".equals(m.language())) {
            return new RouteDecision(List.of(new DeskTarget(germanDesk, GROUP)), List.of("german"), move, sticky);
        }
        return new RouteDecision(List.of(DeskTarget.of("desk-en")), List.of("everything-else"), move, sticky);
    }

    @Override
    public List<String> plainDesks(String channelInstance) {
        return List.of("archive");
    }

    @Override
    public boolean deskExists(String desk) {
        return desks.contains(desk);
    }
}
