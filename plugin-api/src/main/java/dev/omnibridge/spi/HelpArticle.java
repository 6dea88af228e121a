package dev.omnibridge.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A published article of a desk's help center, as the hub's knowledge base takes it ({@link HelpCenter}).
 *
 * @param id        the desk's article id
 * @param locale    the article's language (BCP 47, e.g. {@code en-us}, {@code de})
 * @param title     its title (used as a question variant)
 * @param body      its text, plain (HTML already turned into text by the connector)
 * @param url       where a customer can read it, may be null
 * @param labels    the desk's labels or tags, may be empty
 * @param updatedAt when the desk last changed it, may be null
 */
public record HelpArticle(String id, String locale, String title, String body, String url, List<String> labels,
                          Instant updatedAt) {
    public HelpArticle {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        body = body == null ? "" : body;
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
