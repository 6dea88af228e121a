package dev.omnibridge.hub.polling;

import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/** A context whose store takes as long as the test says: submit completes when {@code store} does. */
final class GatedContext implements ConnectorContext {
    private final ConnectorContext inner;
    private final CompletableFuture<Void> store;
    private final CountDownLatch storing;

    GatedContext(ConnectorContext inner, CompletableFuture<Void> store, CountDownLatch storing) {
        this.inner = inner;
        this.store = store;
        this.storing = storing;
    }

    @Override
    public CompletionStage<Void> submit(Inbound inbound) {
        storing.countDown();
        return store.thenCompose(ok -> inner.submit(inbound));
    }

    @Override
    public String instanceId() {
        return inner.instanceId();
    }

    @Override
    public Settings settings() {
        return inner.settings();
    }

    @Override
    public CamelContext camel() {
        return inner.camel();
    }

    @Override
    public void addComponent(String scheme, Component component) {
        inner.addComponent(scheme, component);
    }

    @Override
    public void addRoutes(RoutesBuilder routes) throws Exception {
        inner.addRoutes(routes);
    }

    @Override
    public Optional<String> offset(String key) {
        return inner.offset(key);
    }

    @Override
    public Optional<Message> findMessage(String channelMessageId) {
        return inner.findMessage(channelMessageId);
    }

    @Override
    public Optional<Conversation> findConversation(String threadKey) {
        return inner.findConversation(threadKey);
    }

    @Override
    public List<Message> recentMessages(String conversationId, int limit) {
        return inner.recentMessages(conversationId, limit);
    }

    @Override
    public AttachmentStore attachments() {
        return inner.attachments();
    }

    @Override
    public URI webhookUrl() {
        return inner.webhookUrl();
    }

    @Override
    public void reportProblem(String message) {
        inner.reportProblem(message);
    }

    @Override
    public void problemResolved() {
        inner.problemResolved();
    }
}
