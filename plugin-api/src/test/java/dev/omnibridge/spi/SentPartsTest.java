package dev.omnibridge.spi;

import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentPartsTest {
    /** Offsets as the hub keeps them: saved by submit, read back by offset. */
    private static final class Offsets implements ConnectorContext {
        final Map<String, String> saved = new HashMap<>();
        final List<Inbound> submitted = new ArrayList<>();
        boolean failing;

        @Override public CompletionStage<Void> submit(Inbound inbound) {
            submitted.add(inbound);
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("journal down"));
            }
            saved.putAll(inbound.offsets());
            return CompletableFuture.completedFuture(null);
        }
        @Override public Optional<String> offset(String key) { return Optional.ofNullable(saved.get(key)); }
        @Override public String instanceId() { return "sms"; }
        @Override public Settings settings() { return new Settings(Map.of()); }
        @Override public CamelContext camel() { return null; }
        @Override public void addComponent(String scheme, Component component) { }
        @Override public void addRoutes(RoutesBuilder routes) { }
        @Override public Optional<Message> findMessage(String channelMessageId) { return Optional.empty(); }
        @Override public Optional<Conversation> findConversation(String threadKey) { return Optional.empty(); }
        @Override public List<Message> recentMessages(String conversationId, int limit) { return List.of(); }
        @Override public AttachmentStore attachments() { return null; }
        @Override public URI webhookUrl() { return URI.create("http://localhost/hooks/sms"); }
        @Override public void reportProblem(String message) { }
    }

    @Test
    void aNewReplyStartsAtTheFirstPartAndIsKnownByItsFirstId() {
        Offsets ctx = new Offsets();
        SentParts parts = SentParts.resume(ctx, "key-1", 3);
        assertThat(parts.sent()).isZero();
        parts.accepted("SM1");
        parts.accepted("SM2");
        parts.accepted("SM3");
        assertThat(parts.firstId()).isEqualTo("SM1");
        assertThat(ctx.submitted).as("saved while parts follow, not after the last").hasSize(2);
    }

    @Test
    void theNextAttemptGoesOnAfterThePartsAlreadyAccepted() {
        Offsets ctx = new Offsets();
        SentParts first = SentParts.resume(ctx, "key-1", 3);
        first.accepted("SM1");

        SentParts again = SentParts.resume(ctx, "key-1", 3);
        assertThat(again.sent()).isEqualTo(1);
        assertThat(again.firstId()).isEqualTo("SM1");
        assertThat(SentParts.resume(ctx, "key-2", 3).sent()).as("another reply").isZero();
    }

    @Test
    void aReplyOfOnePartNeverTouchesTheJournal() {
        Offsets ctx = new Offsets();
        SentParts one = SentParts.resume(ctx, "key-1", 1);
        one.accepted("SM1");
        assertThat(one.firstId()).isEqualTo("SM1");
        assertThat(ctx.submitted).isEmpty();
    }

    @Test
    void progressThatCannotBeSavedIsARetryableFailure() {
        Offsets ctx = new Offsets();
        ctx.failing = true;
        SentParts parts = SentParts.resume(ctx, "key-1", 2);
        assertThatThrownBy(() -> parts.accepted("SM1")).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void anUnreadableSavedValueStartsFromTheBeginning() {
        Offsets ctx = new Offsets();
        ctx.saved.put(SentParts.PREFIX + "key-1", "garbage");
        assertThat(SentParts.resume(ctx, "key-1", 3).sent()).isZero();
        ctx.saved.put(SentParts.PREFIX + "key-1", "5 SM1");
        assertThat(SentParts.resume(ctx, "key-1", 3).sent()).as("more than the reply has").isZero();
    }
}
