package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Message;

import java.util.List;

/**
 * A message after the classification rules ran.
 *
 * @param message    the message with priority, tags and the triage record set
 * @param firedRules names of the rules that fired, in order
 */
public record Classified(Message message, List<String> firedRules) {
    public Classified {
        firedRules = List.copyOf(firedRules);
    }
}
