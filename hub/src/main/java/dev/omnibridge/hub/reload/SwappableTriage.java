package dev.omnibridge.hub.reload;

import dev.omnibridge.hub.store.TriageStep;
import dev.omnibridge.hub.triage.Classified;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.model.Message;

import java.util.List;

/**
 * The writer's triage, replaced as a whole when a configuration reload changes the routes or the instances
 * (issue 24): each message is triaged by the one in place when it comes in.
 */
public final class SwappableTriage implements TriageStep {
    private volatile TriageStep current;

    public SwappableTriage(TriageStep initial) {
        this.current = initial;
    }

    public void swap(TriageStep next) {
        this.current = next;
    }

    @Override
    public Message detectLanguage(Message message) {
        return current.detectLanguage(message);
    }

    @Override
    public boolean needsUnanswered() {
        return current.needsUnanswered();
    }

    @Override
    public Classified classify(Message message, int unanswered) {
        return current.classify(message, unanswered);
    }

    @Override
    public RouteDecision route(Message classified) {
        return current.route(classified);
    }

    @Override
    public List<String> plainDesks(String channelInstance) {
        return current.plainDesks(channelInstance);
    }

    @Override
    public boolean deskExists(String desk) {
        return current.deskExists(desk);
    }
}
