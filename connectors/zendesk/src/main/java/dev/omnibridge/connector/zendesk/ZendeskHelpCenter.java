package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskTimes;
import dev.omnibridge.deskkit.HtmlText;
import dev.omnibridge.spi.HelpArticle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Zendesk help center's articles as the hub's knowledge base takes them (Help Center API, Articles): per locale
 * (the configured ones, else every locale the help center has enabled), all cursor pages. Left out: drafts
 * ({@code draft}: the translation for that locale is a draft) and articles not visible to everyone (a
 * {@code user_segment_id} or {@code user_segment_ids}: signed-in users, agents only, or a custom segment), since the
 * bot answers anonymous customers on public channels. An article listed under another locale than the one asked
 * for (no translation there) is taken once, under its own locale.
 */
final class ZendeskHelpCenter {
    /** 200 pages of 100: 20,000 articles per locale, far beyond a help center's size; a runaway guard. */
    static final int MAX_PAGES = 200;

    private final ZendeskApi api;
    private final List<String> locales;

    /** {@code locales}: the locales to read; empty reads every locale the help center has enabled. */
    ZendeskHelpCenter(ZendeskApi api, List<String> locales) {
        this.api = api;
        this.locales = List.copyOf(locales);
    }

    List<HelpArticle> articles() throws DeskApiException, InterruptedException {
        List<String> wanted = locales.isEmpty() ? api.helpCenterLocales() : locales;
        List<HelpArticle> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String locale : wanted.isEmpty() ? java.util.Collections.<String>singletonList(null) : wanted) {
            for (JsonNode a : api.articles(locale, MAX_PAGES)) {
                HelpArticle article = article(a, locale);
                if (article != null && seen.add(article.id() + "|" + article.locale())) {
                    found.add(article);
                }
            }
        }
        return found;
    }

    /** The article as the hub takes it, or null when it is left out (a draft, not public, no id or title). */
    static HelpArticle article(JsonNode a, String askedLocale) {
        String id = a.path("id").asText("");
        String title = a.path("title").asText("").strip();
        if (id.isBlank() || title.isEmpty() || a.path("draft").asBoolean(false) || !visibleToEveryone(a)) {
            return null;
        }
        String locale = a.path("locale").asText("");
        if (locale.isBlank()) {
            locale = askedLocale == null ? "" : askedLocale;
        }
        List<String> labels = new ArrayList<>();
        a.path("label_names").forEach(l -> {
            if (l.isTextual() && !l.asText().isBlank()) {
                labels.add(l.asText().strip());
            }
        });
        String url = a.path("html_url").asText("");
        return new HelpArticle(id, locale.toLowerCase(Locale.ROOT), title, HtmlText.plain(a.path("body").asText("")),
                url.isBlank() ? null : url, labels, DeskTimes.parseOrNull(a.path("updated_at").asText(null)));
    }

    private static boolean visibleToEveryone(JsonNode a) {
        JsonNode segment = a.path("user_segment_id");
        if (!segment.isMissingNode() && !segment.isNull()) {
            return false;
        }
        JsonNode segments = a.path("user_segment_ids");
        return !segments.isArray() || segments.isEmpty();
    }
}
