package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Triages each inbound customer message before it is stored and delivered: detects its language, runs the
 * classification rules (priority, tags) and the routes (which desks, with which assignment).
 *
 * <p>Everything but the unanswered count is a function of the message and the configuration, so it runs on the
 * caller's thread; a rule set that needs the count is classified in the writer's transaction. Conditions are
 * compiled when the configuration is read; a message allocates little more than its changed copy.
 */
public final class Triage {
    /** Makes a detector for a set of languages; one is made per distinct set the configuration names. */
    @FunctionalInterface
    public interface DetectorFactory {
        LanguageDetector create(List<String> languages, double minConfidence);
    }

    /** Marks a channel without detection (its own {@code languages} is empty, or no languages are configured). */
    private static final LanguageDetector OFF = text -> LanguageDetector.Detection.unknown(0);

    private final Rule[] rules;
    private final boolean needsUnanswered;
    private final RouteTable routes;
    private final Function<String, List<String>> plainDesks;
    private final Map<String, LanguageDetector> detectors;
    private final LanguageDetector defaultDetector;
    private final Clock clock;
    private final List<Rule> ruleList;

    private Triage(List<Rule> rules, RouteTable routes, Function<String, List<String>> plainDesks,
                   Map<String, LanguageDetector> detectors, LanguageDetector defaultDetector, Clock clock) {
        this.ruleList = List.copyOf(rules);
        this.rules = rules.toArray(Rule[]::new);
        this.needsUnanswered = rules.stream().anyMatch(r -> r.when().usesUnanswered());
        this.routes = routes;
        this.plainDesks = plainDesks;
        this.detectors = Map.copyOf(detectors);
        this.defaultDetector = defaultDetector;
        this.clock = clock;
    }

    /** No detection, no rules, plain routes: what the hub did before triage. */
    public static Triage none(Function<String, List<String>> desksForChannel) {
        return new Triage(List.of(), null, desksForChannel, Map.of(), null, Clock.systemUTC());
    }

    /** The triage the configuration describes. */
    public static Triage from(HubConfig config) {
        return from(config, Triage::detector, Clock.systemUTC());
    }

    /**
     * The triage the configuration describes, with detectors from {@code detectors} and calendars asked at
     * {@code clock}'s time for messages without a receivedAt.
     */
    public static Triage from(HubConfig config, DetectorFactory detectors, Clock clock) {
        TriageConfig t = config.triage();
        Map<List<String>, LanguageDetector> bySet = new HashMap<>();
        Function<List<String>, LanguageDetector> make = languages -> languages.isEmpty() ? null
                : bySet.computeIfAbsent(languages, l -> detectors.create(l, t.minConfidence()));
        Map<String, LanguageDetector> perChannel = new HashMap<>();
        for (HubConfig.Instance i : config.instances()) {
            LanguageDetector d = make.apply(i.languages() != null ? i.languages() : t.languages());
            perChannel.put(i.id(), d == null ? OFF : d);
        }
        List<String> ids = config.instances().stream().map(HubConfig.Instance::id).toList();
        return new Triage(t.rules(), new RouteTable(config.routes(), ids), config::desksFor, perChannel,
                make.apply(t.languages()), clock);
    }

    /**
     * The language detector for a set of languages. The one place the hub's detector is chosen (the Lingua one,
     * restricted to the configured languages; see {@code LinguaLanguageDetector}).
     */
    static LanguageDetector detector(List<String> languages, double minConfidence) {
        return LinguaLanguageDetector.forLanguages(languages, minConfidence);
    }

    /** The classification rules, in order (for the rules test's explanation). */
    public List<Rule> rules() {
        return ruleList;
    }

    /** The routes that apply to a channel instance, in order (for the rules test's explanation). */
    public List<HubConfig.Route> routesOf(String channelInstanceId) {
        return routes == null ? List.of() : routes.routesOf(channelInstanceId);
    }

    /**
     * Sets the message's language when the channel gave none and the detector can tell; caller's thread. A
     * detected language is recorded ({@link TriageRecord#LANGUAGE}, also when unknown); the message's language,
     * given or detected, is added as the tag {@code lang:<tag>}. A triage record the channel passed in is dropped
     * first: only the hub writes it.
     */
    public Message detectLanguage(Message inbound) {
        Message message = TriageRecord.withoutRecord(inbound);
        String given = message.language();
        if (given != null && !given.isBlank()) {
            String tag = TriageRecord.LANGUAGE_TAG_PREFIX + given.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            return message.tags().contains(tag) ? message : message.toBuilder().tags(plus(message.tags(), tag)).build();
        }
        LanguageDetector detector = detectors.getOrDefault(message.channel().instanceId(), defaultDetector);
        if (detector == null || detector == OFF) {
            return message;
        }
        String text = message.text().isBlank() && message.subject() != null ? message.subject() : message.text();
        LanguageDetector.Detection d = detector.detect(text);
        Map<String, String> metadata = new HashMap<>(message.metadata());
        metadata.put(TriageRecord.LANGUAGE, (d.known() ? d.language() : "unknown") + " "
                + twoDecimals(d.confidence()));
        Message.Builder b = message.toBuilder().metadata(metadata);
        if (d.known()) {
            b.language(d.language()).tags(plus(message.tags(), TriageRecord.LANGUAGE_TAG_PREFIX + d.language()));
        }
        return b.build();
    }

    /** Whether a rule uses the number of customer messages without an answer (then classify in the writer). */
    public boolean needsUnanswered() {
        return needsUnanswered;
    }

    /**
     * Runs the classification rules, in order: every rule that fires adds its tags; the priority is the highest a
     * fired rule sets, or the message's own when none sets one; a fired rule with {@code stop} ends evaluation.
     *
     * @param unanswered customer messages of the conversation since the last agent reply, this one included
     */
    public Classified classify(Message message, int unanswered) {
        if (rules.length == 0) {
            return new Classified(message, List.of());
        }
        Facts facts = new Facts(message, unanswered, at(message));
        List<String> fired = null;
        Priority best = null;
        Set<String> tags = null;
        for (Rule rule : rules) {
            if (!rule.when().test(facts)) {
                continue;
            }
            if (fired == null) {
                fired = new ArrayList<>(4);
            }
            fired.add(rule.name());
            if (!rule.tags().isEmpty()) {
                if (tags == null) {
                    tags = new HashSet<>(message.tags());
                }
                tags.addAll(rule.tags());
                facts.tags = tags;
            }
            if (rule.priority() != null) {
                best = best == null || rule.priority().compareTo(best) > 0 ? rule.priority() : best;
                facts.priority = best;
            }
            if (rule.stop()) {
                break;
            }
        }
        if (fired == null) {
            return new Classified(message, List.of());
        }
        Map<String, String> metadata = new HashMap<>(message.metadata());
        metadata.put(TriageRecord.RULES, String.join(",", fired));
        Message.Builder b = message.toBuilder().metadata(metadata);
        if (best != null) {
            b.priority(best);
        }
        if (tags != null) {
            b.tags(tags);
        }
        return new Classified(b.build(), fired);
    }

    /** The desks a classified message goes to, each once, in route order, with the assignment of its route. */
    public RouteDecision route(Message classified) {
        String channel = classified.channel().instanceId();
        if (routes == null) {
            return new RouteDecision(plainDesks.apply(channel).stream().map(DeskTarget::of).toList(), List.of(),
                    false, false);
        }
        return routes.decide(channel, new Facts(classified, 0, at(classified)));
    }

    /**
     * The message with the routes that matched recorded ({@link TriageRecord#ROUTE}); for whoever stores it. A
     * decision without matched routes leaves the message as it is.
     */
    public static Message recordRoute(Message message, RouteDecision decision) {
        if (decision.firedRoutes().isEmpty()) {
            return message;
        }
        Map<String, String> metadata = new HashMap<>(message.metadata());
        metadata.put(TriageRecord.ROUTE, String.join(",", decision.firedRoutes()));
        return message.toBuilder().metadata(metadata).build();
    }

    private Instant at(Message message) {
        return message.receivedAt() != null ? message.receivedAt() : clock.instant();
    }

    private static Set<String> plus(Set<String> tags, String tag) {
        Set<String> out = new HashSet<>(tags);
        out.add(tag);
        return out;
    }

    /** {@code 0.93}: two decimals, without a Formatter per message. */
    static String twoDecimals(double value) {
        long hundredths = Math.round(Math.max(0, Math.min(1, value)) * 100);
        return hundredths / 100 + "." + (hundredths % 100 < 10 ? "0" : "") + hundredths % 100;
    }
}
