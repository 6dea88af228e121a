package dev.omnibridge.testkit;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.Skipped;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hub's side of the SPI for a connector's own tests, in memory: settings parsed by the connector's ConfigDef,
 * submitted messages deduped by channel id and threaded by thread key as the hub does, offsets saved with them.
 * End-to-end behaviour is tested against the real hub in system-tests; this keeps connector tests fast and focused.
 */
public final class FakeConnectorContext implements ConnectorContext {
    private final String instanceId;
    private final Settings settings;
    private CamelContext camel;
    private final InMemoryAttachmentStore attachments = new InMemoryAttachmentStore();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile String currentProblem;
    private final List<Inbound> submissions = new CopyOnWriteArrayList<>();
    private final List<FakePolling> polled = new CopyOnWriteArrayList<>();
    private final Map<String, Message> messagesByChannelId = new LinkedHashMap<>();
    private final Map<String, Conversation> conversationsByThread = new LinkedHashMap<>();
    private final Map<String, Skipped> skipped = new LinkedHashMap<>();
    private final Map<String, String> offsets = new LinkedHashMap<>();
    private final List<String> components = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failNextSubmit;
    private final List<String> customerTyping = new CopyOnWriteArrayList<>();
    private volatile boolean deskAvailable = true;
    private final Map<String, dev.omnibridge.calendar.BusinessCalendar> calendars =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Quota> quotas = new java.util.concurrent.ConcurrentHashMap<>();
    private FakeDeskRequesters requesters = new FakeDeskRequesters();
    private volatile dev.omnibridge.live.LiveFanout liveFanout = dev.omnibridge.live.LiveFanout.SINGLE_NODE;

    /** A quota as the connector last reported it ({@link #reportQuota}). */
    public record Quota(long remaining, long limit) {
    }

    public FakeConnectorContext(String instanceId, ConfigDef config, Map<String, ?> rawSettings) {
        this.instanceId = instanceId;
        List<ConfigProblem> configProblems = new ArrayList<>();
        this.settings = config.parse(instanceId, rawSettings, configProblems);
        if (!configProblems.isEmpty()) {
            throw new IllegalArgumentException("test settings are invalid: " + configProblems);
        }
    }

    /** Gives connectors that use Camel a context to add components and routes to. */
    public FakeConnectorContext withCamel(CamelContext camelContext) {
        this.camel = camelContext;
        return this;
    }

    /** Issue 25: what the instance sees of the other hub nodes (default: none). */
    public FakeConnectorContext withLiveFanout(dev.omnibridge.live.LiveFanout fanout) {
        this.liveFanout = fanout;
        return this;
    }

    @Override
    public dev.omnibridge.live.LiveFanout liveFanout() {
        return liveFanout;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public CamelContext camel() {
        if (camel == null) {
            throw new UnsupportedOperationException("this test gave the context no Camel (withCamel)");
        }
        return camel;
    }

    @Override
    public void addComponent(String scheme, Component component) {
        camel().addComponent(scheme, component);
        components.add(scheme);
    }

    @Override
    public void addRoutes(RoutesBuilder routes) throws Exception {
        camel().addRoutes(routes);
    }

    /** Makes the next submit fail, as a store outage would. */
    public void failNextSubmit(RuntimeException failure) {
        this.failNextSubmit = failure;
    }

    @Override
    public synchronized CompletionStage<Void> submit(Inbound inbound) {
        RuntimeException failure = failNextSubmit;
        if (failure != null) {
            failNextSubmit = null;
            return CompletableFuture.failedFuture(failure);
        }
        submissions.add(inbound);
        for (Message m : inbound.messages()) {
            if (messagesByChannelId.containsKey(m.channelMessageId())) {
                continue;
            }
            Conversation conversation = conversationsByThread.computeIfAbsent(m.threadKey(), key ->
                    new Conversation("conv-" + UUID.randomUUID(), m.channel(), key, "contact-" + UUID.randomUUID(),
                            m.author().address(), ConversationStatus.OPEN, Map.of(), Instant.now()));
            messagesByChannelId.put(m.channelMessageId(), m.toBuilder().id("msg-" + UUID.randomUUID())
                    .conversationId(conversation.id()).build());
        }
        inbound.skipped().forEach(s -> skipped.putIfAbsent(s.sourceId(), s));
        offsets.putAll(inbound.offsets());
        currentProblem = null;
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Runs the source as the hub would (see {@link FakePolling}), on a thread of its own, until it or the connector
     * stops it, or {@link #stopPolling()}.
     */
    @Override
    public dev.omnibridge.spi.PollHandle poll(String name, dev.omnibridge.spi.PolledSource source,
                                              dev.omnibridge.spi.PollSchedule schedule) {
        if (polled.stream().anyMatch(p -> p.name().equals(name))) {
            throw new IllegalArgumentException("a polled source named '" + name + "' already runs");
        }
        FakePolling loop = new FakePolling(instanceId, name, source, schedule, this);
        polled.add(loop);
        loop.start();
        return loop;
    }

    /** Stops every polled source, as the hub does when the instance stops. */
    public void stopPolling() {
        polled.forEach(FakePolling::stop);
        polled.clear();
    }

    /** Records a message the hub sent through this channel under the id the connector returned for it. */
    public synchronized void recordSent(String channelMessageId, Message outbound) {
        messagesByChannelId.put(channelMessageId, outbound);
    }

    @Override
    public synchronized Optional<String> offset(String key) {
        return Optional.ofNullable(offsets.get(key));
    }

    @Override
    public synchronized Map<String, String> offsets(String keyPrefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        offsets.forEach((k, v) -> {
            if (k.startsWith(keyPrefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public synchronized Optional<Message> findMessage(String channelMessageId) {
        return Optional.ofNullable(messagesByChannelId.get(channelMessageId));
    }

    @Override
    public synchronized Optional<Conversation> findConversation(String threadKey) {
        return Optional.ofNullable(conversationsByThread.get(threadKey));
    }

    @Override
    public synchronized List<Message> recentMessages(String conversationId, int limit) {
        List<Message> all = messagesByChannelId.values().stream()
                .filter(m -> conversationId.equals(m.conversationId())).toList();
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    @Override
    public InMemoryAttachmentStore attachments() {
        return attachments;
    }

    @Override
    public URI webhookUrl() {
        return URI.create("http://localhost:8080/hooks/" + instanceId);
    }

    @Override
    public void reportProblem(String message) {
        problems.add(message);
        currentProblem = message;
    }

    /** Like the hub: the problem is over once the connector says so or a submit is stored. */
    @Override
    public void problemResolved() {
        currentProblem = null;
    }

    /** Like the hub: the latest report per name wins, and what is left is never below 0. */
    @Override
    public void reportQuota(String name, long remaining, long limit) {
        quotas.put(name, new Quota(Math.max(0, remaining), Math.max(0, limit)));
    }

    /** What {@code /health} would show under the instance's {@code quotas} for {@code name}. */
    public Optional<Quota> quota(String name) {
        return Optional.ofNullable(quotas.get(name));
    }

    /** Every problem reported, oldest first. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** What {@code /health} would show as the instance's lastError now. */
    public Optional<String> currentProblem() {
        return Optional.ofNullable(currentProblem);
    }

    public List<Inbound> submissions() {
        return List.copyOf(submissions);
    }

    /** Stored customer messages (deduped), in arrival order. */
    public synchronized List<Message> messages() {
        return messagesByChannelId.values().stream().filter(m -> m.direction() != dev.omnibridge.model.Direction.OUTBOUND)
                .toList();
    }

    public synchronized List<Skipped> skipped() {
        return List.copyOf(skipped.values());
    }

    public synchronized Map<String, String> offsets() {
        return Map.copyOf(offsets);
    }

    /** Keeps offsets and stored messages but forgets nothing else: what a restarted hub would hand a new connector. */
    public synchronized FakeConnectorContext restartedAs(ConfigDef config, Map<String, ?> rawSettings) {
        if (camel != null) {
            components.forEach(camel::removeComponent);   // as the hub does when an instance stops
        }
        FakeConnectorContext next = new FakeConnectorContext(instanceId, config, rawSettings).withCamel(camel);
        next.messagesByChannelId.putAll(messagesByChannelId);
        next.conversationsByThread.putAll(conversationsByThread);
        next.skipped.putAll(skipped);
        next.offsets.putAll(offsets);
        next.requesters = requesters;   // the hub keeps its requester memory across restarts
        return next;
    }

    @Override
    public void customerTyping(String threadKey) {
        customerTyping.add(threadKey);
    }

    /** Thread keys {@link #customerTyping} was called with, in order. */
    public List<String> customerTypingCalls() {
        return List.copyOf(customerTyping);
    }

    @Override
    public boolean deskAvailable() {
        return deskAvailable;
    }

    @Override
    public Optional<dev.omnibridge.calendar.BusinessCalendar> calendar(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(calendars.get(name));
    }

    /** Declares a business calendar, as the hub's {@code calendars:} would, under its {@code name()}. */
    public FakeConnectorContext withCalendar(dev.omnibridge.calendar.BusinessCalendar calendar) {
        calendars.put(calendar.name(), calendar);
        return this;
    }

    /** What {@link #deskAvailable()} answers from now on (true by default). */
    public FakeConnectorContext withDeskAvailable(boolean available) {
        this.deskAvailable = available;
        return this;
    }

    /** The hub's requester memory for this desk instance: in memory, kept by {@link #restartedAs}. */
    @Override
    public FakeDeskRequesters requesters() {
        return requesters;
    }
}
