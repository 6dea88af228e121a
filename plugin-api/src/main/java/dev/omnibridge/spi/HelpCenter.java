package dev.omnibridge.spi;

import java.util.List;

/**
 * A desk connector whose help center can feed the hub's knowledge base (issue 21): a {@link DeskConnector} that has
 * one implements this too, and the hub reads it on its schedule ({@code knowledge.sync}). Optional: most desks
 * have no such API.
 */
public interface HelpCenter {
    /**
     * Every published article the desk's help center has, in every language it has; drafts and articles not
     * visible to customers left out.
     *
     * @throws DeliveryException retryable (the hub tries again at the next run) or permanent (shown in /health)
     */
    List<HelpArticle> articles() throws DeliveryException;
}
