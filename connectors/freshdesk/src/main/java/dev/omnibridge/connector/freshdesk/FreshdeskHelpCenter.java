package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskTimes;
import dev.omnibridge.deskkit.HtmlText;
import dev.omnibridge.spi.HelpArticle;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Freshdesk's solution articles as the hub's knowledge base takes them (Solutions API): categories, their folders and
 * sub-folders, and each folder's articles, page by page; in the primary language and in every other language the
 * account supports ({@code GET /api/v2/settings/helpdesk}), through the language-coded list endpoints. Only published
 * articles ({@code status} 2; 1 is a draft) in folders visible to all users ({@code visibility} 1; logged-in users,
 * agents, selected companies or segments, and bots are left out), since the bot answers anonymous customers.
 */
final class FreshdeskHelpCenter {
    static final int PUBLISHED = 2;
    static final int ALL_USERS = 1;
    /** Pages of 100 read per list at most: 10,000 articles per folder, a runaway guard. */
    static final int MAX_PAGES = 100;
    /** Sub-folder nesting read at most (Freshdesk nests a few levels). */
    static final int MAX_DEPTH = 10;

    private final FreshdeskApi api;
    private final URI portal;

    FreshdeskHelpCenter(FreshdeskApi api, URI portal) {
        this.api = api;
        this.portal = portal;
    }

    List<HelpArticle> articles() throws DeskApiException, InterruptedException {
        JsonNode settings = api.helpdeskSettings();
        String primary = settings.path("primary_language").asText("");
        Set<String> others = new LinkedHashSet<>();
        settings.path("supported_languages").forEach(l -> {
            if (l.isTextual() && !l.asText().isBlank() && !l.asText().equals(primary)) {
                others.add(l.asText());
            }
        });
        List<HelpArticle> found = new ArrayList<>();
        for (String folder : publicFolders()) {
            for (JsonNode a : api.pages("/api/v2/solutions/folders/" + folder + "/articles", MAX_PAGES)) {
                add(found, a, primary.isBlank() ? "en" : primary);
            }
            for (String language : others) {
                for (JsonNode a : translated("/api/v2/solutions/folders/" + folder + "/articles/" + language)) {
                    add(found, a, language);
                }
            }
        }
        return found;
    }

    /** The ids of folders visible to all users, sub-folders included (a sub-folder has its own visibility). */
    private List<String> publicFolders() throws DeskApiException, InterruptedException {
        List<String> folders = new ArrayList<>();
        Deque<JsonNode> todo = new ArrayDeque<>();
        Deque<Integer> depth = new ArrayDeque<>();
        for (JsonNode category : api.pages("/api/v2/solutions/categories", MAX_PAGES)) {
            for (JsonNode f : api.pages("/api/v2/solutions/categories/" + category.path("id").asText() + "/folders",
                    MAX_PAGES)) {
                todo.add(f);
                depth.add(0);
            }
        }
        while (!todo.isEmpty()) {
            JsonNode f = todo.poll();
            int level = depth.poll();
            String id = f.path("id").asText("");
            if (id.isBlank() || f.path("visibility").asInt(ALL_USERS) != ALL_USERS) {
                continue;   // a folder customers cannot see hides its sub-folders too
            }
            folders.add(id);
            if (f.path("sub_folders_count").asInt(0) > 0 && level < MAX_DEPTH) {
                for (JsonNode sub : api.pages("/api/v2/solutions/folders/" + id + "/subfolders", MAX_PAGES)) {
                    todo.add(sub);
                    depth.add(level + 1);
                }
            }
        }
        return folders;
    }

    /** A language-coded list; a folder without articles in that language may answer 404, which means none. */
    private List<JsonNode> translated(String path) throws DeskApiException, InterruptedException {
        try {
            return api.pages(path, MAX_PAGES);
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return List.of();
            }
            throw e;
        }
    }

    private void add(List<HelpArticle> found, JsonNode a, String language) {
        String id = a.path("id").asText("");
        String title = a.path("title").asText("").strip();
        if (id.isBlank() || title.isEmpty() || a.path("status").asInt(0) != PUBLISHED) {
            return;
        }
        String body = a.path("description_text").asText("");
        if (body.isBlank()) {
            body = HtmlText.plain(a.path("description").asText(""));
        }
        List<String> labels = new ArrayList<>();
        a.path("tags").forEach(t -> {
            if (t.isTextual() && !t.asText().isBlank()) {
                labels.add(t.asText().strip());
            }
        });
        Instant updated = DeskTimes.parseOrNull(a.path("updated_at").asText(null));
        found.add(new HelpArticle(id, language.toLowerCase(Locale.ROOT), title, body.strip(), url(id), labels,
                updated));
    }

    /** The article's page in the customer portal: {@code /support/solutions/articles/<id>}. */
    private String url(String id) {
        String base = portal.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/support/solutions/articles/" + id;
    }
}
