package dev.omnibridge.hub.knowledge;

import dev.omnibridge.spi.HelpArticle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A help center's articles as entries: one entry per article id ({@code <desk>:<article id>}), one language per
 * translation (its locale's primary subtag), the title as its question, the body as its answer, the URL as its link
 * and the labels as tags. Articles without a title or body are left out (nothing to match or to answer with).
 */
final class HelpArticles {
    private HelpArticles() {
    }

    static List<KnowledgeEntry> entries(String desk, List<HelpArticle> articles, String defaultLanguage) {
        Map<String, Map<String, KnowledgeEntry.Text>> texts = new LinkedHashMap<>();
        Map<String, HelpArticle> firstOf = new LinkedHashMap<>();
        for (HelpArticle a : articles) {
            if (a == null || a.title().isBlank() || a.body().isBlank()) {
                continue;
            }
            String lang = KnowledgeEntry.language(a.locale());
            if (lang == null) {
                lang = defaultLanguage;
            }
            String id = desk + ":" + a.id();
            firstOf.putIfAbsent(id, a);
            texts.computeIfAbsent(id, k -> new LinkedHashMap<>())
                    .putIfAbsent(lang, new KnowledgeEntry.Text(a.title().strip(), List.of(a.title().strip()),
                            a.body().strip()));
        }
        return texts.entrySet().stream().map(e -> {
            HelpArticle first = firstOf.get(e.getKey());
            return new KnowledgeEntry(e.getKey(), e.getValue(), first.labels(), first.url(), desk);
        }).toList();
    }
}
