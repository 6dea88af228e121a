package dev.omnibridge.hub.knowledge;

import java.util.List;
import java.util.Optional;

/**
 * The answers the hub can give by itself: entries from the configuration's files and the desks' help centers,
 * searched by the customer's question. Thread-safe; a search never touches the store.
 */
public interface KnowledgeBase {
    /**
     * The entry that best answers the question, with its confidence; empty when no entry matches at all. The caller
     * compares {@link KnowledgeMatch#confidence()} with its threshold.
     *
     * @param language the question's language (BCP 47, may be null: then every language's analyzer is tried)
     */
    Optional<KnowledgeMatch> best(String question, String language);

    /** The best few entries, best first (the console's "try a question", suggestions to agents). */
    List<KnowledgeMatch> top(String question, String language, int max);

    /** A base without entries: never matches. */
    KnowledgeBase EMPTY = new KnowledgeBase() {
        @Override
        public Optional<KnowledgeMatch> best(String question, String language) {
            return Optional.empty();
        }

        @Override
        public List<KnowledgeMatch> top(String question, String language, int max) {
            return List.of();
        }
    };
}
