package dev.omnibridge.hub.config;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.hub.automation.AcknowledgementConfig;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.sla.FirstResponseConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, after environment references are resolved.
 *
 * @param calendars        the named business calendars ({@code calendars:})
 * @param acknowledgements the automatic acknowledgements, hub-wide and per channel instance
 * @param firstResponse    the first-response targets ({@code firstResponse:}), per channel instance and by default
 */
public record HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                        Delivery delivery, List<Instance> instances, List<Route> routes,
                        CalendarRegistry calendars, AcknowledgementConfig acknowledgements,
                        FirstResponseConfig firstResponse) {
    public HubConfig {
        calendars = calendars == null ? CalendarRegistry.empty() : calendars;
        acknowledgements = acknowledgements == null ? AcknowledgementConfig.disabled() : acknowledgements;
        firstResponse = firstResponse == null ? FirstResponseConfig.standard() : firstResponse;
    }

    /** A configuration without calendars and acknowledgements, with the default first-response targets. */
    public HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                     Delivery delivery, List<Instance> instances, List<Route> routes) {
        this(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes, null, null, null);
    }

    /** The same configuration with these calendars. */
    public HubConfig withCalendars(CalendarRegistry calendars) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse);
    }

    /** The same configuration with these acknowledgements. */
    public HubConfig withAcknowledgements(AcknowledgementConfig acknowledgements) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse);
    }

    /** The same configuration with these first-response targets. */
    public HubConfig withFirstResponse(FirstResponseConfig firstResponse) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse);
    }

    public record Http(String host, int port, long maxBodyBytes) {
    }

    /**
     * A JDBC store; an empty url means the embedded H2 database under the data directory.
     *
     * @param compaction       embedded store only: compact the file online while the journal writer is idle
     * @param compactBelowFill percent of the file holding live data below which compaction works (1-100)
     */
    public record Store(String url, String username, String password, boolean compaction, int compactBelowFill) {
        public static final boolean DEFAULT_COMPACTION = true;
        public static final int DEFAULT_COMPACT_BELOW_FILL = 80;

        public Store(String url, String username, String password) {
            this(url, username, password, DEFAULT_COMPACTION, DEFAULT_COMPACT_BELOW_FILL);
        }

        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    /** @param window outbox rows per target the dispatcher holds in memory; the rest wait in the store */
    /**
     * @param order which waiting deliveries go first: {@link Order#PRIORITY} (urgent conversations first, with aging)
     *              or {@link Order#FIFO} (in the order they became due, the hub's behaviour before issue 19)
     */
    public record Delivery(int workers, int maxAttempts, Duration initialBackoff, Duration maxBackoff, int window,
                           Order order) {
        public static final int DEFAULT_WINDOW = 2000;

        /** {@code delivery.order}. */
        public enum Order { PRIORITY, FIFO }

        public Delivery {
            order = order == null ? Order.PRIORITY : order;
        }

        public Delivery(int workers, int maxAttempts, Duration initialBackoff, Duration maxBackoff, int window) {
            this(workers, maxAttempts, initialBackoff, maxBackoff, window, Order.PRIORITY);
        }

        public Delivery(int workers, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            this(workers, maxAttempts, initialBackoff, maxBackoff, DEFAULT_WINDOW);
        }
    }

    /**
     * One connector instance as configured; settings are raw values, converted by the connector's ConfigDef.
     *
     * @param calendar the name of the business calendar the instance keeps (its hours for acknowledgements and
     *                 first-response timers), or null: always open
     */
    public record Instance(String id, String type, boolean enabled, Map<String, Object> settings, String calendar) {
        public Instance(String id, String type, boolean enabled, Map<String, Object> settings) {
            this(id, type, enabled, settings, null);
        }
    }

    public record Route(String from, List<String> to) {
    }

    public Optional<Instance> instance(String id) {
        return instances.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /**
     * The business calendar of an instance: the one its {@code calendar} names, or always open when it names none
     * (or the instance is not configured).
     */
    public BusinessCalendar calendarOf(String instanceId) {
        return instance(instanceId).map(Instance::calendar).filter(name -> !name.isEmpty())
                .flatMap(calendars::find).orElseGet(BusinessCalendar::alwaysOpen);
    }

    /** The desk instances a channel instance feeds. */
    public List<String> desksFor(String channelInstanceId) {
        return routes.stream().filter(r -> r.from().equals(channelInstanceId))
                .flatMap(r -> r.to().stream()).distinct().toList();
    }
}
