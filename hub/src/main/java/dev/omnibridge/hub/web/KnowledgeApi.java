package dev.omnibridge.hub.web;

import dev.omnibridge.hub.knowledge.KnowledgeEntry;
import dev.omnibridge.hub.knowledge.KnowledgeMatch;
import dev.omnibridge.hub.knowledge.KnowledgeService;
import dev.omnibridge.hub.knowledge.KnowledgeSource;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The knowledge base, behind {@link HttpApi}'s admin authorisation:
 * <pre>
 *   GET  /api/knowledge                              entries (without answers) and sources with their state
 *   GET  /api/knowledge/entries/:id                  one entry with its questions and answers
 *   GET  /api/knowledge/search?q=&amp;lang=&amp;channel=&amp;max=   the best matches, with the channel's threshold
 *   POST /api/knowledge/refresh                      reads the files and help centers again now; the sources
 * </pre>
 */
public final class KnowledgeApi {
    private static final int DEFAULT_MATCHES = 5;
    private static final int MAX_QUESTION = 2000;

    private final KnowledgeService knowledge;
    private final ToDoubleFunction<String> threshold;

    /**
     * @param threshold the confidence threshold of a channel instance (null: the hub-wide default), as the
     *                  self-service configuration says
     */
    public KnowledgeApi(KnowledgeService knowledge, ToDoubleFunction<String> threshold) {
        this.knowledge = knowledge;
        this.threshold = threshold;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, HttpApi api) {
        router.get("/api/knowledge").handler(ctx -> api.offload(ctx, () -> HttpApi.json(ctx, 200, overview())));
        router.get("/api/knowledge/entries/:id").handler(ctx -> api.offload(ctx, () -> entry(ctx)));
        router.get("/api/knowledge/search").handler(ctx -> api.offload(ctx, () -> search(ctx)));
        router.post("/api/knowledge/refresh").handler(ctx -> api.offload(ctx, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("sources", knowledge.refresh().stream().map(KnowledgeApi::source).toList());
            HttpApi.json(ctx, 200, body);
        }));
    }

    private Map<String, Object> overview() {
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (KnowledgeEntry e : knowledge.entries()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", e.id());
            n.put("title", e.first().title());
            n.put("languages", List.copyOf(e.languages().keySet()));
            n.put("tags", e.tags());
            n.put("link", e.link());
            n.put("source", e.source());
            entries.add(n);
        }
        body.put("entries", entries);
        body.put("sources", knowledge.sources().stream().map(KnowledgeApi::source).toList());
        body.put("languages", knowledge.languages());
        return body;
    }

    private void entry(RoutingContext ctx) {
        var found = knowledge.entry(ctx.pathParam("id"));
        if (found.isEmpty()) {
            HttpApi.error(ctx, 404, "no knowledge entry with this id");
            return;
        }
        KnowledgeEntry e = found.get();
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", e.id());
        n.put("tags", e.tags());
        n.put("link", e.link());
        n.put("source", e.source());
        Map<String, Object> languages = new LinkedHashMap<>();
        e.languages().forEach((lang, t) -> {
            Map<String, Object> text = new LinkedHashMap<>();
            text.put("title", t.title());
            text.put("questions", t.questions());
            text.put("answer", t.answer());
            languages.put(lang, text);
        });
        n.put("languages", languages);
        HttpApi.json(ctx, 200, n);
    }

    private void search(RoutingContext ctx) {
        String q = ctx.queryParams().get("q");
        if (q == null || q.isBlank()) {
            HttpApi.error(ctx, 400, "q (the question) is required");
            return;
        }
        if (q.length() > MAX_QUESTION) {
            HttpApi.error(ctx, 400, "q is longer than " + MAX_QUESTION + " characters");
            return;
        }
        String lang = blankToNull(ctx.queryParams().get("lang"));
        String channel = blankToNull(ctx.queryParams().get("channel"));
        int max = DEFAULT_MATCHES;
        String m = ctx.queryParams().get("max");
        if (m != null && !m.isBlank()) {
            try {
                max = Math.max(1, Math.min(20, Integer.parseInt(m.strip())));
            } catch (NumberFormatException e) {
                HttpApi.error(ctx, 400, "max must be a number from 1 to 20");
                return;
            }
        }
        double limit = threshold.applyAsDouble(channel);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("threshold", limit);
        body.put("channel", channel);
        List<Map<String, Object>> matches = new ArrayList<>();
        for (KnowledgeMatch match : knowledge.top(q, lang, max)) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("entryId", match.entryId());
            n.put("title", match.title());
            n.put("confidence", match.confidence());
            n.put("aboveThreshold", match.confidence() >= limit);
            n.put("language", match.language());
            n.put("answer", match.answer());
            n.put("link", match.link());
            matches.add(n);
        }
        body.put("matches", matches);
        HttpApi.json(ctx, 200, body);
    }

    /** A source as {@code /health} and the API show it. */
    public static Map<String, Object> source(KnowledgeSource s) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("name", s.name());
        n.put("kind", s.kind());
        n.put("entries", s.entries());
        n.put("lastSyncAt", s.lastSyncAt() == null ? null : s.lastSyncAt().toString());
        n.put("lastError", s.lastError());
        n.put("state", s.state().name());
        return n;
    }

    /**
     * The knowledge part of {@code /health}: {@code status} FAILED when a source's last reading failed (the hub
     * stays UP: it still answers from the last good entries, and a restart would not fix a help center).
     */
    public Map<String, Object> health() {
        Map<String, Object> n = new LinkedHashMap<>();
        List<KnowledgeSource> sources = knowledge.sources();
        boolean failed = sources.stream().anyMatch(s -> s.state() == KnowledgeSource.State.FAILED);
        n.put("status", failed ? "FAILED" : "OK");
        n.put("entries", knowledge.entries().size());
        n.put("sources", sources.stream().map(KnowledgeApi::source).toList());
        return n;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
