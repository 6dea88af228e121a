package dev.omnibridge.hub.runtime;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.Settings;
import dev.omnibridge.hub.camel.RestrictedCamelContext;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The hub as one connector instance sees it; remembers what the instance added to Camel so stop can remove it. */
final class HubConnectorContext implements ConnectorContext {
    private static final Logger LOG = LoggerFactory.getLogger(HubConnectorContext.class);
    private static final int GOING_AWAY = 1001;

    private final ConnectorInstance instance;
    private final Settings settings;
    private final InstanceManager hub;
    private final List<String> components = new ArrayList<>();
    private final List<String> routeIds = new ArrayList<>();
    private final Set<LiveSocket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedQuotaNames = ConcurrentHashMap.newKeySet();
    private volatile CamelContext restricted;

    HubConnectorContext(ConnectorInstance instance, Settings settings, InstanceManager hub) {
        this.instance = instance;
        this.settings = settings;
        this.hub = hub;
    }

    @Override
    public String instanceId() {
        return instance.id();
    }

    @Override
    public Settings settings() {
        return settings;
    }

    /** Issue 23: a view that cannot stop or reconfigure the hub's context ({@link RestrictedCamelContext}). */
    @Override
    public CamelContext camel() {
        CamelContext view = restricted;
        if (view == null) {
            view = RestrictedCamelContext.of(hub.camel(), instance.id());
            restricted = view;
        }
        return view;
    }

    @Override
    public void addComponent(String scheme, Component component) {
        hub.camel().addComponent(scheme, component);
        components.add(scheme);
    }

    @Override
    public void addRoutes(RoutesBuilder routes) throws Exception {
        Set<String> before = hub.camel().getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
        hub.camel().addRoutes(routes);
        Set<String> added = new HashSet<>();
        hub.camel().getRoutes().forEach(r -> {
            if (!before.contains(r.getRouteId())) {
                added.add(r.getRouteId());
            }
        });
        routeIds.addAll(added);
    }

    @Override
    public CompletionStage<Void> submit(Inbound inbound) {
        return hub.store(instance, inbound).thenApply(report -> null);
    }

    /** Issue 24: the hub runs the source ({@link dev.omnibridge.hub.polling.Pollers}). */
    @Override
    public dev.omnibridge.spi.PollHandle poll(String name, dev.omnibridge.spi.PolledSource source,
                                              dev.omnibridge.spi.PollSchedule schedule) {
        // Issue 25: what a source polled is stored with the fence of its leader lease (checked in the transaction).
        return hub.pollers().start(instance.id(), name, source, schedule, this, hub.clock(),
                (inbound, fence) -> hub.store(instance, inbound, fence).thenApply(report -> null));
    }

    /** Stops the instance's polled sources, each finishing a result being stored. */
    void stopPolling() {
        hub.pollers().stopAll(instance.id());
    }

    @Override
    public Optional<String> offset(String key) {
        return hub.offsets().get(instance.id(), key);
    }

    @Override
    public java.util.Map<String, String> offsets(String keyPrefix) {
        return hub.offsets().withPrefix(instance.id(), keyPrefix);
    }

    @Override
    public Optional<Message> findMessage(String channelMessageId) {
        return read(() -> hub.queries().channelMessage(instance.id(), channelMessageId));
    }

    @Override
    public Optional<Conversation> findConversation(String threadKey) {
        return read(() -> hub.queries().conversationByThread(instance.id(), threadKey));
    }

    @Override
    public List<Message> recentMessages(String conversationId, int limit) {
        return read(() -> hub.queries().recentMessages(conversationId, limit));
    }

    private interface Read<T> {
        T get() throws SQLException;
    }

    /** Lookups are on the connector's hot path; a store failure surfaces as unchecked so a poll fails and retries. */
    private static <T> T read(Read<T> query) {
        try {
            return query.get();
        } catch (SQLException e) {
            throw new IllegalStateException("store lookup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public AttachmentStore attachments() {
        return hub.attachments();
    }

    @Override
    public URI webhookUrl() {
        return URI.create(hub.publicUrl() + "/hooks/" + instance.id());
    }

    @Override
    public void customerTyping(String threadKey) {
        findConversation(threadKey).ifPresent(c -> hub.typing().customerTyping(c.id()));
    }

    @Override
    public Optional<BusinessCalendar> calendar(String name) {
        return hub.calendars().find(name);
    }

    /** Issue 20: the desk's requesters per contact (a channel instance gets the memory that keeps nothing). */
    /** Issue 25: frames and presence across the hub's nodes (a hub on its own: nothing across nodes). */
    @Override
    public dev.omnibridge.live.LiveFanout liveFanout() {
        return hub.liveFanout(instance.id());
    }

    @Override
    public dev.omnibridge.spi.DeskRequesters requesters() {
        return instance.connector instanceof dev.omnibridge.spi.DeskConnector ? hub.requestersOf(instance.id())
                : dev.omnibridge.spi.DeskRequesters.NONE;
    }

    /** Issue 20: libphonenumber with the hub's default region ({@code identity.defaultRegion}). */
    @Override
    public Optional<dev.omnibridge.model.Address> phoneNumber(String text) {
        return hub.addresses().phones().parse(text);
    }

    @Override
    public boolean deskAvailable() {
        return hub.deskAvailable(instance.id());
    }

    @Override
    public void reportProblem(String message) {
        instance.problem(message, hub.clock().instant());
        LOG.warn("Instance {} reports: {}", instance.id(), message);
    }

    @Override
    public void reportQuota(String name, long remaining, long limit) {
        long left = Math.max(0, remaining);
        long whole = Math.max(0, limit);
        if (instance.quota(name, new ConnectorInstance.Quota(left, whole, hub.clock().instant()))) {
            hub.metrics().quota(instance.id(), name, left, whole);
        } else if (refusedQuotaNames.size() < 64 && refusedQuotaNames.add(String.valueOf(name))) {
            // Once per name, and without it: a connector bug could have put customer data into it.
            LOG.warn("Instance {} reported a quota under a name the hub does not take (lower case, digits and dashes,"
                    + " at most 64 characters, at most {} names per instance); ignored", instance.id(),
                    ConnectorInstance.MAX_QUOTAS);
        }
    }

    @Override
    public void problemResolved() {
        hub.workedAgain(instance, null);
    }

    void track(LiveSocket socket) {
        sockets.add(socket);
    }

    void untrack(LiveSocket socket) {
        sockets.remove(socket);
    }

    /** Removes the routes and components this instance added and closes its sockets. */
    void release() {
        stopPolling();
        for (LiveSocket socket : List.copyOf(sockets)) {
            socket.close(GOING_AWAY, "connector stopped");
        }
        sockets.clear();
        for (String id : routeIds) {
            try {
                hub.camel().getRouteController().stopRoute(id);
                hub.camel().removeRoute(id);
            } catch (Exception e) {
                LOG.warn("Instance {}: removing route {} failed: {}", instance.id(), id, e.getMessage());
            }
        }
        routeIds.clear();
        components.forEach(hub.camel()::removeComponent);
        components.clear();
    }
}
