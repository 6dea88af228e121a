package dev.omnibridge.hub.knowledge;

/**
 * An entry found for a question.
 *
 * @param entryId    the entry's id (a file entry's own id; {@code <desk>:<article id>} for a synced article)
 * @param title      the entry's first question variant or title, in the answer's language
 * @param answer     the answer text in {@code language}
 * @param language   the answer's language: the question's when the entry has it, else the entry's first
 * @param link       a page with more (the article's URL, the entry's link), may be null
 * @param confidence how sure the match is, from 0 (no match) to 1 (the question is one of the entry's variants);
 *                   comparable across questions, so one threshold per channel means the same everywhere
 */
public record KnowledgeMatch(String entryId, String title, String answer, String language, String link,
                             double confidence) {
}
