package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.triage.Classified;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.hub.triage.Triage;
import dev.omnibridge.hub.triage.TriageRecord;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code POST /api/rules/test}: what triage would do with a sample message (detected language, priority, tags, the
 * rules and routes that fire, the desks with their assignment), without storing or sending anything. The body is a
 * canonical message (fields the test does not need may be left out: ids, thread key and author get placeholders;
 * {@code channel.instanceId} is required) with two optional facts beside the message's own fields:
 * {@code unanswered} (customer messages without an answer, this one included; default 1) and {@code at} (the
 * instant calendars are asked about; default the message's receivedAt, else now).
 */
public final class RulesTestApi {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    private static final String UNANSWERED = "unanswered";
    private static final String AT = "at";
    private static final String PLACEHOLDER = "rules-test";

    private final Triage triage;
    private final Function<String, Optional<HubConfig.Instance>> instances;
    private final Clock clock;

    /**
     * @param triage    the hub's triage, the same the inbound writer runs
     * @param instances the configured instances by id (the sample's channel must be one)
     */
    public RulesTestApi(Triage triage, Function<String, Optional<HubConfig.Instance>> instances, Clock clock) {
        this.triage = triage;
        this.instances = instances;
        this.clock = clock;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, Handler<RoutingContext> bodyHandler, HttpApi api) {
        router.post("/api/rules/test").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> test(ctx)));
    }

    private void test(RoutingContext ctx) {
        Sample sample;
        try {
            sample = sample(ctx.body() == null || ctx.body().buffer() == null ? new byte[0]
                    : ctx.body().buffer().getBytes());
        } catch (BadSample e) {
            HttpApi.error(ctx, 400, e.getMessage());
            return;
        }
        Message detected = triage.detectLanguage(sample.message);
        Classified classified = triage.classify(detected, sample.unanswered);
        RouteDecision decision = triage.route(classified.message());
        HttpApi.json(ctx, 200, answer(sample.message, detected, classified, decision));
    }

    private ObjectNode answer(Message given, Message detected, Classified classified, RouteDecision decision) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode language = body.putObject("language");
        String record = detected.metadata().get(TriageRecord.LANGUAGE);
        if (given.language() != null && !given.language().isBlank()) {
            language.put("value", given.language()).put("source", "channel");
        } else if (record != null) {
            int space = record.indexOf(' ');
            String value = record.substring(0, space);
            language.put("value", value.equals("unknown") ? null : value).put("source", "detected")
                    .put("confidence", Double.parseDouble(record.substring(space + 1)));
        } else {
            language.putNull("value").put("source", "none");
        }
        Message result = classified.message();
        body.put("priority", result.priority().name());
        ArrayNode tags = body.putArray("tags");
        new TreeSet<>(result.tags()).forEach(tags::add);
        ArrayNode rules = body.putArray("rules");
        for (String name : classified.firedRules()) {
            ObjectNode r = rules.addObject().put("name", name);
            triage.rules().stream().filter(rule -> rule.name().equals(name)).findFirst().ifPresent(rule -> {
                if (rule.priority() != null) {
                    r.put("priority", rule.priority().name());
                }
                ArrayNode set = r.putArray("tags");
                rule.tags().forEach(set::add);
                if (rule.stop()) {
                    r.put("stop", true);
                }
            });
        }
        String channel = result.channel().instanceId();
        ArrayNode routes = body.putArray("routes");
        for (String label : decision.firedRoutes()) {
            ObjectNode r = routes.addObject().put("name", label);
            triage.routesOf(channel).stream().filter(route -> route.label(channel).equals(label)).findFirst()
                    .ifPresent(route -> {
                        ArrayNode to = r.putArray("to");
                        route.to().forEach(to::add);
                        if (route.reroute()) {
                            r.put("reroute", true);
                        }
                    });
        }
        ArrayNode desks = body.putArray("desks");
        for (DeskTarget target : decision.desks()) {
            ObjectNode d = desks.addObject().put("desk", target.desk());
            d.set("assignment", JSON.valueToTree(new java.util.TreeMap<>(target.assignment())));
        }
        body.put("sticky", decision.sticky());
        body.put("reroute", decision.reroute());
        body.set("message", readTree(CanonicalJson.write(Triage.recordRoute(result, decision))));
        return body;
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Sample(Message message, int unanswered) {
    }

    private static final class BadSample extends Exception {
        BadSample(String message) {
            super(message);
        }
    }

    private Sample sample(byte[] body) throws BadSample {
        if (body.length == 0) {
            throw new BadSample("body is empty; expected a canonical message as JSON, with channel.instanceId");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (java.io.IOException e) {
            // CanonicalJson describes a syntax error without echoing the document.
            try {
                CanonicalJson.read(body);
            } catch (MalformedJsonException m) {
                throw new BadSample(m.getMessage());
            }
            throw new BadSample("body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new BadSample("body must be a JSON object: a canonical message, with channel.instanceId");
        }
        ObjectNode message = (ObjectNode) node;
        int unanswered = 1;
        JsonNode u = message.remove(UNANSWERED);
        if (u != null) {
            if (!u.canConvertToInt() || !u.isIntegralNumber() || u.asInt() < 1) {
                throw new BadSample("field '" + UNANSWERED + "': must be a whole number from 1 (customer messages "
                        + "without an answer, this one included)");
            }
            unanswered = u.asInt();
        }
        JsonNode at = message.remove(AT);
        if (at != null) {
            try {
                message.put("receivedAt", Instant.parse(at.asText()).toString());
            } catch (DateTimeParseException e) {
                throw new BadSample("field '" + AT + "': must be an ISO-8601 instant, e.g. 2026-12-07T22:00:00Z");
            }
        } else if (!message.hasNonNull("receivedAt")) {
            message.put("receivedAt", clock.instant().toString());
        }
        JsonNode channel = message.path("channel");
        String instanceId = channel.path("instanceId").asText("");
        if (!channel.isObject() || !channel.path("instanceId").isTextual() || instanceId.isBlank()) {
            throw new BadSample("field 'channel.instanceId' is required: the channel instance the sample arrives on");
        }
        HubConfig.Instance instance = instances.apply(instanceId).orElseThrow(() -> new BadSample(
                "field 'channel.instanceId': no instance '" + instanceId + "' is configured"));
        if (!channel.has("type")) {
            ((ObjectNode) channel).put("type", instance.type());
        }
        putIfAbsent(message, "direction", "INBOUND");
        putIfAbsent(message, "channelMessageId", PLACEHOLDER);
        putIfAbsent(message, "threadKey", PLACEHOLDER);
        if (!message.has("author")) {
            message.putObject("author").put("role", "CUSTOMER");
        }
        try {
            return new Sample(CanonicalJson.read(message), unanswered);
        } catch (MalformedJsonException e) {
            throw new BadSample(e.getMessage());
        }
    }

    private static void putIfAbsent(ObjectNode node, String field, String value) {
        if (!node.has(field)) {
            node.put(field, value);
        }
    }
}
