package dev.omnibridge.hub.config;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.hub.access.AccessConfig;
import dev.omnibridge.hub.automation.AcknowledgementConfig;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.sla.FirstResponseConfig;
import dev.omnibridge.hub.triage.Condition;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.hub.identity.IdentityConfig;
import dev.omnibridge.hub.knowledge.KnowledgeConfig;
import dev.omnibridge.hub.selfservice.SelfServiceConfig;
import dev.omnibridge.hub.survey.SurveyConfig;
import dev.omnibridge.hub.privacy.PrivacyConfig;
import dev.omnibridge.hub.triage.TriageConfig;

import dev.omnibridge.hub.cluster.ClusterConfig;
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
 * @param triage           language detection and classification rules ({@code triage:})
 * @param identity         address normalisation, history notes and reply fallback ({@code identity:})
 * @param privacy          retention and masking ({@code privacy:})
 * @param knowledge        the knowledge base's files and help-center syncs ({@code knowledge:}, issue 21)
 * @param selfService      the self-service bot's mode and threshold per channel instance ({@code selfService:})
 * @param surveys          satisfaction surveys, CSAT and NPS ({@code surveys:})
 * @param access           API tokens, console session timeouts and lockout ({@code access:}, issue 22)
 */
public record HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                        Delivery delivery, List<Instance> instances, List<Route> routes,
                        CalendarRegistry calendars, AcknowledgementConfig acknowledgements,
                        FirstResponseConfig firstResponse, TriageConfig triage, IdentityConfig identity,
                        PrivacyConfig privacy, KnowledgeConfig knowledge, SelfServiceConfig selfService,
                        SurveyConfig surveys, AccessConfig access, ClusterConfig cluster) {
    public HubConfig {
        cluster = cluster == null ? ClusterConfig.off() : cluster;
        access = access == null ? AccessConfig.standard() : access;
        knowledge = knowledge == null ? KnowledgeConfig.none() : knowledge;
        selfService = selfService == null ? SelfServiceConfig.off() : selfService;
        surveys = surveys == null ? SurveyConfig.off() : surveys;
        identity = identity == null ? IdentityConfig.standard() : identity;
        privacy = privacy == null ? PrivacyConfig.none() : privacy;
        triage = triage == null ? TriageConfig.none() : triage;
        calendars = calendars == null ? CalendarRegistry.empty() : calendars;
        acknowledgements = acknowledgements == null ? AcknowledgementConfig.disabled() : acknowledgements;
        firstResponse = firstResponse == null ? FirstResponseConfig.standard() : firstResponse;
    }

    /** A configuration for one node (no hub.cluster section). */
    public HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                     Delivery delivery, List<Instance> instances, List<Route> routes, CalendarRegistry calendars,
                     AcknowledgementConfig acknowledgements, FirstResponseConfig firstResponse, TriageConfig triage,
                     IdentityConfig identity, PrivacyConfig privacy, KnowledgeConfig knowledge,
                     SelfServiceConfig selfService, SurveyConfig surveys, AccessConfig access) {
        this(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes, calendars,
                acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService, surveys, access,
                null);
    }

    /** The same configuration with this cluster section. */
    public HubConfig withCluster(ClusterConfig cluster) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** A configuration with the standard access section (no API tokens besides the admin token). */
    public HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                     Delivery delivery, List<Instance> instances, List<Route> routes, CalendarRegistry calendars,
                     AcknowledgementConfig acknowledgements, FirstResponseConfig firstResponse, TriageConfig triage,
                     IdentityConfig identity, PrivacyConfig privacy, KnowledgeConfig knowledge,
                     SelfServiceConfig selfService, SurveyConfig surveys) {
        this(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes, calendars,
                acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService, surveys, null);
    }

    /** The same configuration with this access section. */
    public HubConfig withAccess(AccessConfig access) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** A configuration without the features of issue 21 (knowledge base, self-service, surveys). */
    public HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                     Delivery delivery, List<Instance> instances, List<Route> routes, CalendarRegistry calendars,
                     AcknowledgementConfig acknowledgements, FirstResponseConfig firstResponse, TriageConfig triage,
                     IdentityConfig identity, PrivacyConfig privacy) {
        this(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes, calendars,
                acknowledgements, firstResponse, triage, identity, privacy, null, null, null, null);
    }

    /** A configuration without calendars and acknowledgements, with the default first-response targets. */
    public HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                     Delivery delivery, List<Instance> instances, List<Route> routes) {
        this(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes, null, null, null,
                null, null, null);
    }

    /** A configuration without triage. */
    public HubConfig(Http http, URI publicUrl, Path dataDir, Path pluginsDir, String adminToken, Store store,
                     Delivery delivery, List<Instance> instances, List<Route> routes, CalendarRegistry calendars,
                     AcknowledgementConfig acknowledgements, FirstResponseConfig firstResponse) {
        this(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes, calendars,
                acknowledgements, firstResponse, null, null, null);
    }

    /** The same configuration with these calendars. */
    public HubConfig withCalendars(CalendarRegistry calendars) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with these acknowledgements. */
    public HubConfig withAcknowledgements(AcknowledgementConfig acknowledgements) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with these first-response targets. */
    public HubConfig withFirstResponse(FirstResponseConfig firstResponse) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with this triage. */
    public HubConfig withTriage(TriageConfig triage) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with this identity section. */
    public HubConfig withIdentity(IdentityConfig identity) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with this privacy section. */
    public HubConfig withPrivacy(PrivacyConfig privacy) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with this knowledge base. */
    public HubConfig withKnowledge(KnowledgeConfig knowledge) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with this self-service section. */
    public HubConfig withSelfService(SelfServiceConfig selfService) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    /** The same configuration with these surveys. */
    public HubConfig withSurveys(SurveyConfig surveys) {
        return new HubConfig(http, publicUrl, dataDir, pluginsDir, adminToken, store, delivery, instances, routes,
                calendars, acknowledgements, firstResponse, triage, identity, privacy, knowledge, selfService,
                surveys, access, cluster);
    }

    public record Http(String host, int port, long maxBodyBytes) {
    }

    /**
     * A JDBC store; an empty url means the embedded H2 database under the data directory.
     *
     * @param compaction       embedded store only: compact the file online while the journal writer is idle
     * @param compactBelowFill percent of the file holding live data below which compaction works (1-100)
     * @param encryptionKey    embedded store only: the key H2 encrypts the file with (AES) and attachments are
     *                         encrypted with (AES-GCM), from {@code ${env:OMNIBRIDGE_STORE_KEY}}; null: not encrypted
     */
    public record Store(String url, String username, String password, boolean compaction, int compactBelowFill,
                        String encryptionKey) {
        public static final boolean DEFAULT_COMPACTION = true;
        public static final int DEFAULT_COMPACT_BELOW_FILL = 80;

        public Store {
            encryptionKey = encryptionKey == null || encryptionKey.isEmpty() ? null : encryptionKey;
        }

        public Store(String url, String username, String password, boolean compaction, int compactBelowFill) {
            this(url, username, password, compaction, compactBelowFill, null);
        }

        /** The same store encrypted with this key (null: not encrypted). */
        public Store withEncryptionKey(String key) {
            return new Store(url, username, password, compaction, compactBelowFill, key);
        }

        public boolean encrypted() {
            return encryptionKey != null;
        }

        /** Never the password or the key: a record's own toString would print them into any log or error. */
        @Override
        public String toString() {
            return "Store[url=" + (url == null ? "embedded" : url.replaceAll("(?i)(password=)[^&;]*", "$1******"))
                    + ", username=" + username + ", password=" + (password == null ? "none" : "******")
                    + ", compaction=" + compaction + ", compactBelowFill=" + compactBelowFill
                    + ", encrypted=" + encrypted() + "]";
        }

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
    /**
     * @param fileLinkValidity how long a signed link to a stored file, written into a reply for a channel that cannot
     *                         carry the file, stays valid ({@code hub.delivery.fileLinkValidity}, issue 24); null: no
     *                         links (no {@code hub.publicUrl} a customer could reach), the file is named as not sent
     */
    public record Delivery(int workers, int maxAttempts, Duration initialBackoff, Duration maxBackoff, int window,
                           Order order, Duration fileLinkValidity) {
        public static final int DEFAULT_WINDOW = 2000;
        public static final Duration DEFAULT_FILE_LINK_VALIDITY = Duration.ofDays(7);

        public Delivery(int workers, int maxAttempts, Duration initialBackoff, Duration maxBackoff, int window,
                        Order order) {
            this(workers, maxAttempts, initialBackoff, maxBackoff, window, order, null);
        }

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
     * @param languages the languages detection chooses among for its messages ({@code languages:}), replacing
     *                  {@code triage.languages}; null: those of {@code triage.languages}; empty: no detection
     */
    public record Instance(String id, String type, boolean enabled, Map<String, Object> settings, String calendar,
                           List<String> languages) {
        public Instance {
            languages = languages == null ? null : List.copyOf(languages);
        }

        public Instance(String id, String type, boolean enabled, Map<String, Object> settings) {
            this(id, type, enabled, settings, null, null);
        }

        public Instance(String id, String type, boolean enabled, Map<String, Object> settings, String calendar) {
            this(id, type, enabled, settings, calendar, null);
        }
    }

    /**
     * One entry of {@code routes:}. A plain route ({@code when} absent) sends every message of its channels to its
     * desks and lets the next routes add theirs; a conditional one sends the messages it matches and, unless it says
     * {@code continue: true}, ends the routing of the message.
     *
     * @param name      the route's name for the stored record and the rules test; null: shown as {@code from->to}
     * @param from      the channel instances it applies to; empty: every channel instance
     * @param when      what the message must satisfy; null: a plain route
     * @param targets   the desks, each with the assignment its tickets get
     * @param continues whether the routes after it are evaluated when it matches
     * @param reroute   when it matches, it may move an existing conversation to its desks
     * @param mirror    what it keeps in step between the desks of its conversations ({@code mirror:}, issue 22);
     *                  null: not set (the default, both replies and status; see {@code mirror.MirrorRules})
     */
    public record Route(String name, List<String> from, Condition when, List<DeskTarget> targets, boolean continues,
                        boolean reroute, dev.omnibridge.hub.mirror.MirrorSetting mirror) {
        public Route {
            from = List.copyOf(from);
            targets = List.copyOf(targets);
        }

        /** A route without a {@code mirror:} setting (the default). */
        public Route(String name, List<String> from, Condition when, List<DeskTarget> targets, boolean continues,
                     boolean reroute) {
            this(name, from, when, targets, continues, reroute, null);
        }

        /** A plain route: every message of {@code from} goes to {@code to}, as before triage. */
        public Route(String from, List<String> to) {
            this(null, List.of(from), null, to.stream().map(DeskTarget::of).toList(), true, false);
        }

        /** The desk ids, in order. */
        public List<String> to() {
            return targets.stream().map(DeskTarget::desk).toList();
        }

        public boolean conditional() {
            return when != null;
        }

        public boolean appliesTo(String channelInstanceId) {
            return from.isEmpty() || from.contains(channelInstanceId);
        }

        /** The name shown for it: its own, or {@code channel->desk+desk}. */
        public String label(String channelInstanceId) {
            return name != null ? name : channelInstanceId + "->" + String.join("+", to());
        }
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

    /**
     * The desk instances a channel instance feeds: with plain routes, where every message goes; with conditional
     * routes, every desk a route from the channel names (where a message goes is {@code Triage.route}).
     */
    public List<String> desksFor(String channelInstanceId) {
        return routes.stream().filter(r -> r.appliesTo(channelInstanceId))
                .flatMap(r -> r.to().stream()).distinct().toList();
    }
}
