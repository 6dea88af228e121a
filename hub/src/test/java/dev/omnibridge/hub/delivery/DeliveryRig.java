package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The hub's own delivery path on a real H2 store in a test's folder: journal, outbox, the writer that routes every
 * channel to one desk, and the dispatchers the test starts. What the writer commits goes to the dispatcher started
 * last (as the hub schedules it), or nowhere while deliveries are held.
 */
final class DeliveryRig implements AutoCloseable {
    final Database db;
    final Journal journal;
    final DeliveryStore store;
    final InboundWriter writer;
    private volatile Consumer<DeliveryTask> scheduler = t -> { };
    private final List<Dispatcher> dispatchers = new ArrayList<>();

    DeliveryRig(Path dir, String desk) {
        this(dir, ch -> List.of(desk));
    }

    /** {@code routes} gives the desks a channel instance delivers to. */
    DeliveryRig(Path dir, Function<String, List<String>> routes) {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 8);
        journal = new Journal(db);
        store = new DeliveryStore(db);
        writer = new InboundWriter(routes, t -> scheduler.accept(t), Clock.systemUTC());
    }

    /** A customer message from channel instance web in conversation {@code thread}, its key made of both. */
    static Message.Builder customerMessage(String thread, String text) {
        return Message.builder().channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId(thread + "/" + text).threadKey(thread)
                .author(Author.customer("Ann", Address.email(thread.replaceAll("[^a-z0-9]", "") + "@example.com")))
                .text(text);
    }

    /** Hands {@code message} in as channel instance web does; done when it is stored. */
    CompletableFuture<IngestReport> submit(Message message) {
        return journal.submit(writer.work("web", Inbound.messages(List.of(message))));
    }

    /** Keeps {@code dispatcher} to close it, and hands it what the writer commits from now on. */
    Dispatcher serve(Dispatcher dispatcher) {
        dispatchers.add(dispatcher);
        scheduler = dispatcher::enqueue;
        return dispatcher;
    }

    /** What the writer commits from now on stays in the outbox: the backlog an outage leaves. */
    void holdDeliveries() {
        scheduleTo(t -> { });
    }

    /** What the writer commits from now on goes to {@code scheduler} instead of a dispatcher. */
    void scheduleTo(Consumer<DeliveryTask> scheduler) {
        this.scheduler = scheduler;
    }

    /** Stops every dispatcher started so far, as a hub shutting down would. */
    void closeDispatchers() {
        dispatchers.forEach(Dispatcher::close);
        dispatchers.clear();
    }

    @Override
    public void close() {
        closeDispatchers();
        journal.close();
        db.close();
    }
}
