package dev.omnibridge.hub.runtime;

import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.delivery.DeliveryTargets;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.privacy.InboundMasking;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.OffsetStore;
import dev.omnibridge.hub.store.TxWork;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.HandOff;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.Skipped;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The configured connector instances: their life cycle (through {@link InstanceLifecycle}: start, stop, and for
 * issue 24 pause for a plugin swap and reconfigure on a configuration reload) and the one place the hub calls into
 * plugin code for deliveries: every call runs with the plugin's class loader as context loader, and a failing instance is marked FAILED
 * without affecting the others.
 */
public final class InstanceManager implements DeliveryTargets {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceManager.class);

    // Replaced by a configuration reload (issue 24).
    private volatile HubConfig config;
    private final CamelContext camel;
    private final Journal journal;
    private final InboundWriter writer;
    private final OffsetStore offsets;
    private final JournalQueries queries;
    private final AttachmentStore attachments;
    private final Metrics metrics;
    private final Clock clock;
    private final dev.omnibridge.hub.polling.Pollers pollers = new dev.omnibridge.hub.polling.Pollers();
    private final InstanceRegistry registry;
    private final TypingIndicators typing;
    private final WebhookDispatch webhooks;
    private final InstanceLifecycle lifecycle;
    // Issue 20 (identity): customers' addresses in the hub's normal form; each desk's memory of its requesters.
    private final dev.omnibridge.hub.identity.InboundAddresses addresses;
    private volatile java.util.function.Function<String, dev.omnibridge.spi.DeskRequesters> requesters =
            desk -> dev.omnibridge.spi.DeskRequesters.NONE;
    // Privacy (issue 20): what each channel masks in inbound text, applied right after CleanText.
    private final InboundMasking masking;
    /** Issue 24: signed links to stored files for channels that cannot carry them (set once at start-up). */
    private volatile dev.omnibridge.hub.delivery.StoredFileLinks fileLinks =
            dev.omnibridge.hub.delivery.StoredFileLinks.NONE;
    /** Issue 25: live frames and presence across the hub's nodes (set once at start-up; on its own: none). */
    private volatile dev.omnibridge.hub.live.LiveFanouts liveFanouts = dev.omnibridge.hub.live.LiveFanouts.single();

    public InstanceManager(HubConfig config, ConnectorCatalog catalog, CamelContext camel, Journal journal,
                           InboundWriter writer, OffsetStore offsets, JournalQueries queries,
                           AttachmentStore attachments, Metrics metrics, Clock clock) {
        this.config = config;
        this.camel = camel;
        this.journal = journal;
        this.writer = writer;
        this.offsets = offsets;
        this.queries = queries;
        this.attachments = attachments;
        this.metrics = metrics;
        this.clock = clock;
        this.typing = new TypingIndicators(clock);
        this.registry = new InstanceRegistry(config.instances());
        this.webhooks = new WebhookDispatch(registry, metrics, this::store, this::incompatible);
        this.lifecycle = new InstanceLifecycle(this, catalog, registry, clock);
        this.masking = new InboundMasking(config.privacy(), metrics::masked);
        this.addresses = new dev.omnibridge.hub.identity.InboundAddresses(
                new dev.omnibridge.hub.identity.PhoneNumbers(config.identity().defaultRegion()));
    }

    /** Issue 20: each desk instance's requester memory ({@code ConnectorContext.requesters()}); set before startAll. */
    public void requesters(java.util.function.Function<String, dev.omnibridge.spi.DeskRequesters> perDesk) {
        this.requesters = perDesk;
    }

    /** The requester memory of a desk instance. */
    dev.omnibridge.spi.DeskRequesters requestersOf(String deskInstance) {
        return requesters.apply(deskInstance);
    }

    /** How the hub normalises customers' addresses (E.164 with the configured region, folded emails). */
    public dev.omnibridge.hub.identity.InboundAddresses addresses() {
        return addresses;
    }

    /**
     * Starts every configured instance, one after the other. The HTTP port is already open: until an instance is
     * running its hook answers 503 with Retry-After (see {@link InstanceRegistry#acceptingRequests}).
     */
    public void startAll() {
        lifecycle.startAll();
    }

    public synchronized void stop(String id) {
        lifecycle.stop(id);
    }

    /** Starts a stopped or failed instance again (an operator's "start"); a running one is left alone. */
    public synchronized void start(String id) {
        lifecycle.start(id);
    }

    /**
     * Issue 24: stops an instance while its plugin is swapped or its configuration changes; vendor requests get 503
     * with a short Retry-After meanwhile, those already inside the connector finish first. Hold and drain its
     * deliveries before ({@code Dispatcher.hold/drain}); {@link #start(String)} brings it back.
     */
    public synchronized void pause(String id, String reason) {
        lifecycle.pause(id, reason);
    }

    /** Issue 24: stops an instance whose plugin was removed, with the reason shown in /health. */
    public synchronized void stopBecause(String id, String reason) {
        lifecycle.stopBecause(id, reason);
    }

    /** Issue 24: the ids of the instances whose connector type the plugin provides. */
    public synchronized List<String> usingPlugin(String pluginId) {
        return lifecycle.usingPlugin(pluginId);
    }

    /**
     * Issue 24, configuration reload: from now on the instances and routes are those of {@code next}; instances
     * it adds are registered (not started), instances it drops are stopped and taken out. Changed instances are
     * the caller's to {@link #replace}.
     */
    public synchronized void reconfigure(HubConfig next, java.util.Set<String> added, java.util.Set<String> removed) {
        removed.forEach(lifecycle::remove);
        this.config = next;
        for (String id : added) {
            next.instance(id).ifPresent(lifecycle::add);
        }
    }

    /** Issue 24, configuration reload: the instance is stopped and set up anew from the current configuration. */
    public synchronized void replace(String id) {
        lifecycle.stop(id);
        config.instance(id).ifPresent(cfg -> {
            lifecycle.add(cfg);
            lifecycle.start(cfg);
        });
    }

    private volatile java.util.function.Consumer<String> whenRunning = id -> {
    };

    /**
     * Issue 24: told each time an instance starts running, e.g. to release the deliveries a plugin swap held for
     * it (an operator's start of an instance whose plugin came back included).
     */
    public void whenRunning(java.util.function.Consumer<String> listener) {
        this.whenRunning = listener;
    }

    void running(String id) {
        try {
            whenRunning.accept(id);
        } catch (RuntimeException e) {
            LOG.warn("Instance {}: a start listener failed: {}", id, e.getMessage());
        }
    }

    /** The configuration the instances run with now (it changes with a reload). */
    public HubConfig config() {
        return config;
    }

    /** The business calendars the configuration declares, for {@code ConnectorContext.calendar(name)}. */
    CalendarRegistry calendars() {
        return config.calendars();
    }

    /** The running connector of an instance if it is of the given kind, e.g. the built-in console inbox. */
    public <T> Optional<T> connector(String id, Class<T> kind) {
        ConnectorInstance instance = registry.get(id);
        Connector connector = instance == null ? null : instance.connector;
        return instance != null && instance.state() == InstanceState.RUNNING && kind.isInstance(connector)
                ? Optional.of(kind.cast(connector)) : Optional.empty();
    }

    /** The desk instances a channel instance's conversations are routed to. */
    public List<String> desksFor(String channelInstanceId) {
        return config.desksFor(channelInstanceId);
    }

    public synchronized void restart(String id) {
        lifecycle.restart(id);
    }

    public synchronized void stopAll() {
        lifecycle.stopAll();
    }

    public Collection<ConnectorInstance> instances() {
        return registry.all();
    }

    public Optional<ConnectorInstance> find(String id) {
        return registry.find(id);
    }

    /** Whether the hub is still starting its instances (its HTTP port is open meanwhile). */
    public boolean startingUp() {
        return registry.startingUp();
    }

    /** The way in for webhooks and WebSocket handshakes on {@code /hooks/<instance>}. */
    public WebhookDispatch webhooks() {
        return webhooks;
    }

    static void runQuietly(ClassLoader loader, Runnable work) {
        try {
            withLoader(loader, () -> {
                work.run();
                return null;
            });
        } catch (Exception e) {
            throw new IllegalStateException(describe(e), e);
        }
    }

    CompletableFuture<IngestReport> store(ConnectorInstance instance, Inbound inbound) {
        return store(instance, inbound, dev.omnibridge.hub.cluster.Fence.NONE);
    }

    /**
     * Issue 25: stores what a polled source fetched under its leader lease: the unit checks {@code fence} in its
     * transaction and fails with {@link dev.omnibridge.hub.cluster.LeaseLost} (storing nothing) if it moved.
     */
    CompletableFuture<IngestReport> store(ConnectorInstance instance, Inbound inbound,
                                          dev.omnibridge.hub.cluster.Fence fence) {
        boolean channel = instance.connector instanceof ChannelConnector;
        if (channel && (!inbound.replies().isEmpty() || !inbound.ticketUpdates().isEmpty())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "channel instance " + instance.id() + " handed in desk replies"));
        }
        if (!channel && (!inbound.messages().isEmpty() || !inbound.statuses().isEmpty()
                || !inbound.addressStatuses().isEmpty() || !inbound.threadMoves().isEmpty())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "desk instance " + instance.id() + " handed in customer messages or channel statuses"));
        }
        Instant started = clock.instant();
        Inbound normalised = normalised(instance, inbound, addresses, masking);
        TxWork<IngestReport> work;
        try {
            work = writer.work(instance.id(), normalised, pollers.leases(), fence);
        } catch (IllegalArgumentException e) {
            // A value the store cannot keep (Columns.checkKept): the connector gets the reason, nothing is stored.
            LOG.warn("Instance {}: a submission was refused: {}", instance.id(), e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        return journal.submit(work).thenApply(report -> {
            if (!report.storedMessageIds().isEmpty()) {
                metrics.messagesIn(instance.id(), report.storedMessageIds().size());
                instance.messageSeen(clock.instant());
            }
            report.setAside().forEach(item -> metrics.inboundSkipped(instance.id(),
                    item.disposition() == Skipped.Disposition.DEAD_LETTER));
            report.statuses().forEach(status -> metrics.channelStatus(instance.id(),
                    status.state().name().toLowerCase(java.util.Locale.ROOT)));
            workedAgain(instance, started);
            return report;
        });
    }

    /**
     * The inbound with every message on this instance's channel and every text cleaned ({@link CleanText}); the same
     * object when nothing changes, as for a webhook channel's own messages. Then what the channel masks
     * ({@link InboundMasking}): the original of a masked card number is gone before anything stores or logs it.
     */
    private static Inbound normalised(ConnectorInstance instance, Inbound inbound,
                                      dev.omnibridge.hub.identity.InboundAddresses addresses,
                                      InboundMasking masking) {
        ChannelRef ref = null;
        List<Message> messages = inbound.messages();
        boolean changed = false;
        List<Message> cleaned = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Message kept = m;
            if (ref == null) {
                ref = new ChannelRef(instance.type(), instance.id());
            }
            if (!ref.equals(m.channel())) {
                kept = m.toBuilder().channel(ref).build();
            }
            kept = CleanText.message(kept);
            kept = masking.mask(instance.id(), kept);
            // Issue 20: the customer's address as the hub keeps it, so one customer is one address on every channel.
            kept = addresses.normalise(kept);
            changed |= kept != m;
            cleaned.add(kept);
        }
        List<DeskReply> replies = inbound.replies();
        List<DeskReply> cleanedReplies = new ArrayList<>(replies.size());
        for (DeskReply r : replies) {
            DeskReply kept = CleanText.reply(r);
            changed |= kept != r;
            cleanedReplies.add(kept);
        }
        if (!changed) {
            return inbound;
        }
        // toBuilder: every other part (including ones added to Inbound later) passes through unchanged
        return inbound.toBuilder().messages(cleaned).replies(cleanedReplies).build();
    }

    /**
     * The instance worked: a problem it reported before {@code started} is over ({@code started} null: whatever it
     * reported, the connector says so itself).
     */
    void workedAgain(ConnectorInstance instance, Instant started) {
        if (started == null ? instance.recovered() : instance.recoveredSince(started)) {
            LOG.info("Instance {} works again; its last problem is cleared", instance.id());
        }
    }

    @Override
    public DeskResult deliverToDesk(String instanceId, DeskDelivery delivery) {
        ConnectorInstance instance = registry.running(instanceId);
        if (!(instance.connector instanceof DeskConnector desk)) {
            throw DeliveryException.permanent("instance '" + instanceId + "' is not a desk");
        }
        return call(instance, () -> desk.deliver(delivery));
    }

    /**
     * Erasure (issue 20): asks a running desk instance to erase the contact's requester. Throws like a delivery:
     * retryable when the instance is not running, permanent when it is unknown or no desk.
     */
    public dev.omnibridge.spi.RequesterErasure.Outcome eraseRequester(String instanceId,
                                                                     dev.omnibridge.spi.RequesterErasure request) {
        ConnectorInstance instance = registry.running(instanceId);
        if (!(instance.connector instanceof DeskConnector desk)) {
            throw DeliveryException.permanent("instance '" + instanceId + "' is not a desk");
        }
        return call(instance, () -> desk.eraseRequester(request));
    }

    @Override
    public int maxBatch(String instanceId) {
        ConnectorInstance instance = registry.get(instanceId);
        if (instance == null || instance.state() != InstanceState.RUNNING
                || !(instance.connector instanceof DeskConnector desk)) {
            return 1;
        }
        try {
            return Math.max(1, withLoader(instance.classLoader, desk::maxBatch));
        } catch (Exception e) {
            // A connector that cannot say takes one message at a time, as before batching existed.
            return 1;
        }
    }

    @Override
    public List<DeskResult> deliverAllToDesk(String instanceId, List<DeskDelivery> batch) {
        ConnectorInstance instance = registry.running(instanceId);
        if (!(instance.connector instanceof DeskConnector desk)) {
            throw DeliveryException.permanent("instance '" + instanceId + "' is not a desk");
        }
        return call(instance, () -> desk.deliverAll(batch));
    }

    @Override
    public dev.omnibridge.spi.ChannelCapabilities capabilities(String instanceId) {
        ConnectorInstance instance = registry.get(instanceId);
        return instance == null ? dev.omnibridge.spi.ChannelCapabilities.undeclared()
                : instance.capabilities().orElse(dev.omnibridge.spi.ChannelCapabilities.undeclared());
    }

    @Override
    public dev.omnibridge.spi.SentParts sentParts(String instanceId, String idempotencyKey, int total) {
        ConnectorInstance instance = registry.running(instanceId);
        return dev.omnibridge.spi.SentParts.resume(instance.context, idempotencyKey, total);
    }

    @Override
    public String sendToChannel(String instanceId, OutboundMessage message) {
        ConnectorInstance instance = registry.running(instanceId);
        if (!(instance.connector instanceof ChannelConnector channel)) {
            throw DeliveryException.permanent("instance '" + instanceId + "' is not a channel");
        }
        Conversation conversation = message.conversation();
        if (conversation != null && !instanceId.equals(conversation.channel().instanceId())) {
            return redirected(instance, channel, message);
        }
        try {
            return call(instance, () -> channel.send(message));
        } catch (HandOff handOff) {
            return handOff(instanceId, message, handOff);
        }
    }

    /**
     * A reply queued to another channel instance than its conversation's (the reply fallback): the conversation's
     * customer is the address chosen for it; the channel names the new thread ({@link ChannelConnector#threadToStart},
     * offered the same key a hand-off uses, so every redirected reply of one conversation lands in one thread).
     */
    private String redirected(ConnectorInstance target, ChannelConnector channel, OutboundMessage message) {
        Conversation from = message.conversation();
        if (from.customer() == null) {
            throw DeliveryException.unreachable("no verified address of the customer takes messages on "
                    + target.id());
        }
        String threadKey = call(target, () -> channel.threadToStart(from.customer(),
                HandOffThreads.threadKey(from.id())));
        if (threadKey == null) {
            throw DeliveryException.unreachable(target.id() + " cannot open a conversation to a "
                    + from.customer().kind().name().toLowerCase(java.util.Locale.ROOT) + " address");
        }
        Conversation there = new Conversation(from.id(), new ChannelRef(target.type(), target.id()), threadKey,
                from.contactId(), from.customer(), from.status(), from.deskTickets(), from.createdAt());
        OutboundMessage redirected = new OutboundMessage(message.message(), there, message.idempotencyKey());
        try {
            return call(target, () -> channel.send(redirected));
        } catch (HandOff again) {
            throw DeliveryException.permanent("a redirected reply on '" + target.id() + "' was handed off again; a "
                    + "redirect is not followed further");
        }
    }

    /**
     * Whether a running channel instance can open a thread to the address (reply fallback). A connector that fails
     * to say cannot.
     */
    public boolean canStartThread(String instanceId, Address address) {
        ConnectorInstance instance = registry.get(instanceId);
        if (instance == null || instance.state() != InstanceState.RUNNING
                || !(instance.connector instanceof ChannelConnector channel)) {
            return false;
        }
        try {
            return withLoader(instance.classLoader, () -> channel.threadToStart(address,
                    HandOffThreads.threadKey(instanceId))) != null;
        } catch (Exception e) {
            LOG.debug("Instance {}: threadToStart failed: {}", instanceId, e.toString());
            return false;
        }
    }

    /**
     * Sends a message through the channel the customer asked to be answered on instead. The thread key there is
     * derived from the conversation, so every handed-off reply of one conversation lands in the same thread.
     */
    private String handOff(String fromInstance, OutboundMessage message, HandOff handOff) {
        ConnectorInstance target = registry.running(handOff.channelInstanceId());
        if (!(target.connector instanceof ChannelConnector channel)) {
            throw DeliveryException.permanent("hand-off target '" + target.id() + "' is not a channel");
        }
        Conversation from = message.conversation();
        Conversation there = new Conversation(from.id(), new ChannelRef(target.type(), target.id()),
                HandOffThreads.threadKey(from.id()), from.contactId(), handOff.to(), from.status(),
                from.deskTickets(), from.createdAt());
        // The message was fitted to the channel handing off; the one taking over may carry less (email: no buttons).
        OutboundMessage redirected = new OutboundMessage(message.message(), there, message.idempotencyKey());
        String ref;
        try {
            ref = dev.omnibridge.hub.delivery.OutboundAdapter.send(redirected, capabilities(target.id()), fileLinks,
                    part -> call(target, () -> channel.send(part)),
                    (key, total) -> dev.omnibridge.spi.SentParts.resume(target.context, key, total));
        } catch (HandOff again) {
            throw DeliveryException.permanent("hand-off from '" + fromInstance + "' to '" + target.id()
                    + "' was handed off again; a hand-off is followed once");
        }
        LOG.info("Message {} of conversation {} handed off from {} to {}: {}", message.message().id(), from.id(),
                fromInstance, target.id(), handOff.getMessage());
        metrics.messageOut(target.id());
        return HandOffThreads.deliveryRef(target.id(), ref);
    }

    /** Shows the customer that an agent is writing, where the channel can; a hint, so failures are only logged. */
    public void agentTyping(Conversation conversation) {
        ConnectorInstance instance = registry.get(conversation.channel().instanceId());
        if (instance == null || instance.state() != InstanceState.RUNNING
                || !(instance.connector instanceof ChannelConnector channel)) {
            return;
        }
        try {
            runQuietly(instance.classLoader, () -> channel.agentTyping(conversation));
        } catch (RuntimeException e) {
            LOG.debug("Instance {}: typing hint failed: {}", instance.id(), e.getMessage());
        }
    }

    public TypingIndicators typing() {
        return typing;
    }

    /** Whether at least one desk that a channel instance's conversations go to is running. */
    boolean deskAvailable(String channelInstanceId) {
        return desksFor(channelInstanceId).stream().map(registry::get)
                .anyMatch(d -> d != null && d.state() == InstanceState.RUNNING);
    }

    /** A delivery through the instance; one that returns clears the instance's earlier problem. */
    private <T> T call(ConnectorInstance instance, Callable<T> work) {
        Instant started = clock.instant();
        try {
            T result = withLoader(instance.classLoader, work);
            workedAgain(instance, started);
            return result;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw DeliveryException.retryable(describe(e), e);
        } catch (LinkageError e) {
            // The plugin was built against another plugin API than it declared: it stays FAILED (its deliveries
            // wait) until it is replaced, instead of the error escaping the delivery thread.
            throw DeliveryException.retryable(incompatible(instance, e), e);
        }
    }

    /** Marks the instance FAILED because its plugin hit a LinkageError; returns the reason (plugin and versions). */
    private String incompatible(ConnectorInstance instance, LinkageError e) {
        return lifecycle.incompatible(instance, e);
    }

    static <T> T withLoader(ClassLoader loader, Callable<T> work) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return work.call();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    CamelContext camel() {
        return camel;
    }

    Clock clock() {
        return clock;
    }

    /** Issue 24: the polled sources of all instances (started through their contexts). */
    public dev.omnibridge.hub.polling.Pollers pollers() {
        return pollers;
    }

    Metrics metrics() {
        return metrics;
    }

    OffsetStore offsets() {
        return offsets;
    }

    JournalQueries queries() {
        return queries;
    }

    public AttachmentStore attachments() {
        return attachments;
    }

    /** Issue 25: how instances reach their live sockets on other nodes (hub start-up, before instances start). */
    public void liveFanouts(dev.omnibridge.hub.live.LiveFanouts fanouts) {
        this.liveFanouts = fanouts;
    }

    dev.omnibridge.live.LiveFanout liveFanout(String instanceId) {
        return liveFanouts.forInstance(instanceId);
    }

    /** Issue 24: how replies link stored files their channel cannot carry (hub start-up, before deliveries). */
    public void fileLinks(dev.omnibridge.hub.delivery.StoredFileLinks links) {
        this.fileLinks = links;
    }

    @Override
    public dev.omnibridge.hub.delivery.StoredFileLinks fileLinks() {
        return fileLinks;
    }

    URI publicUrl() {
        return config.publicUrl();
    }
}
