package dev.omnibridge.hub;

import dev.omnibridge.hub.automation.Acknowledger;
import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.access.AccessConfig;
import dev.omnibridge.hub.access.AccessPolicy;
import dev.omnibridge.hub.access.Accounts;
import dev.omnibridge.hub.access.ApiTokens;
import dev.omnibridge.hub.access.Logins;
import dev.omnibridge.hub.access.Sessions;
import dev.omnibridge.hub.web.AccountsApi;
import dev.omnibridge.hub.web.AdminAuthorization;
import dev.omnibridge.hub.console.ConsoleWeb;
import dev.omnibridge.hub.delivery.Backoff;
import dev.omnibridge.hub.delivery.DeliveryOrder;
import dev.omnibridge.hub.identity.ReplyFallback;
import dev.omnibridge.hub.inbox.InboxService;
import dev.omnibridge.hub.store.JournalStats;
import dev.omnibridge.hub.store.Reachability;
import dev.omnibridge.hub.web.OperatorApi;
import dev.omnibridge.hub.delivery.Dispatcher;
import dev.omnibridge.hub.metrics.CamelMetrics;
import dev.omnibridge.hub.metrics.HttpServerMetrics;
import dev.omnibridge.hub.metrics.JvmMetrics;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.plugins.BuiltInTypes;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.metrics.FirstResponseMetrics;
import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.hub.sla.FirstResponseAlarms;
import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.privacy.ContactErasure;
import dev.omnibridge.hub.privacy.ContactExport;
import dev.omnibridge.hub.store.ContactErasures;
import dev.omnibridge.hub.store.ContactRecords;
import dev.omnibridge.hub.web.AuditApi;
import dev.omnibridge.hub.web.KnowledgeApi;
import dev.omnibridge.hub.knowledge.InstanceHelpCenters;
import dev.omnibridge.hub.knowledge.KnowledgeService;
import dev.omnibridge.hub.web.AnalyticsApi;
import dev.omnibridge.hub.analytics.ServiceAnalytics;
import dev.omnibridge.hub.store.AnalyticsQueries;
import dev.omnibridge.hub.store.AnalyticsFirstReplies;
import dev.omnibridge.hub.store.AnalyticsVolumes;
import dev.omnibridge.hub.web.PrivacyApi;
import dev.omnibridge.hub.identity.ContactIdentity;
import dev.omnibridge.hub.identity.HistoryNotes;
import dev.omnibridge.hub.identity.HubDeskRequesters;
import dev.omnibridge.hub.identity.InboundIdentity;
import dev.omnibridge.hub.store.ContactQueries;
import dev.omnibridge.hub.web.ContactsApi;
import dev.omnibridge.hub.sla.FirstResponseClock;
import dev.omnibridge.hub.sla.FirstResponseViews;
import dev.omnibridge.hub.sla.WorkingHours;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.AttachmentCipher;
import dev.omnibridge.hub.privacy.Retention;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.store.FileAttachmentStore;
import dev.omnibridge.hub.store.ConversationStep;
import dev.omnibridge.hub.selfservice.SelfServiceMetrics;
import dev.omnibridge.hub.selfservice.SelfServiceMode;
import dev.omnibridge.hub.selfservice.SelfServiceStep;
import dev.omnibridge.hub.selfservice.SwitchedOffRelease;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.TriageStep;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.OffsetStore;
import dev.omnibridge.hub.store.StoreInfo;
import dev.omnibridge.hub.store.StoreMaintenance;
import dev.omnibridge.hub.triage.Triage;
import dev.omnibridge.hub.web.HttpApi;
import dev.omnibridge.hub.web.HubHttpServer;
import dev.omnibridge.hub.web.RulesTestApi;
import dev.omnibridge.hub.web.StoreApi;
import dev.omnibridge.hub.web.BlockingPool;
import dev.omnibridge.hub.web.WebhookIngress;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorType;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** A running hub: plugins, store, Camel with its HTTP server, connector instances and the delivery dispatcher. */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final ConnectorCatalog catalog;
    private final Database database;
    private final Journal journal;
    private final CamelContext camel;
    private final Dispatcher dispatcher;
    private final InstanceManager instances;
    private final ExecutorService blocking;
    private final JvmMetrics jvmMetrics;
    private final ContactErasure erasure;
    private final KnowledgeService knowledge;

    private Hub(ConnectorCatalog catalog, Database database, Journal journal, CamelContext camel,
                Dispatcher dispatcher, InstanceManager instances, ExecutorService blocking, JvmMetrics jvmMetrics,
                ContactErasure erasure, KnowledgeService knowledge) {
        this.erasure = erasure;
        this.knowledge = knowledge;
        this.jvmMetrics = jvmMetrics;
        this.catalog = catalog;
        this.database = database;
        this.journal = journal;
        this.camel = camel;
        this.dispatcher = dispatcher;
        this.instances = instances;
        this.blocking = blocking;
    }

    public static Hub start(HubConfig config) throws Exception {
        return start(config, List.of());
    }

    /**
     * @param hostTypes connector types from the embedding application's own class path, offered next to the
     *                  built-in ones and the plugins' (e.g. a connector under test)
     */
    public static Hub start(HubConfig config, List<ConnectorType> hostTypes) throws Exception {
        return start(config, hostTypes, Clock.systemUTC());
    }

    /** @param clock what "now" is for the hub's records and timers (a test's controllable clock) */
    public static Hub start(HubConfig config, List<ConnectorType> hostTypes, Clock clock) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(config.dataDir());
        // Issue 23: camel-desk and camel-channel run their routes in the hub's context, attached once it exists.
        dev.omnibridge.hub.camel.CamelHost camelHost = dev.omnibridge.hub.camel.CamelHost.forConfig(config);
        ConnectorCatalog catalog = ConnectorCatalog.load(config.pluginsDir(),
                java.util.stream.Stream.concat(BuiltInTypes.all(camelHost).stream(), hostTypes.stream()).toList());
        Metrics metrics = new Metrics();
        JvmMetrics jvmMetrics = new JvmMetrics(metrics.registry());
        Database database = Database.open(config.store(), config.dataDir(), config.delivery().workers() + 8,
                metrics.registry());
        // Issue 25: a hub on its own is a cluster of one (every lease its own at once, a silent bus); with
        // hub.cluster.enabled, a node of a cluster on one PostgreSQL store: lease rows, a heartbeat, and a writer lock
        // every journal group takes first, so that ids keep growing in commit order across the nodes.
        dev.omnibridge.hub.cluster.Cluster cluster = config.cluster().enabled()
                ? startCluster(config, database, metrics.registry())
                : dev.omnibridge.hub.cluster.Cluster.single(config.cluster().nodeId());
        Journal journal = new Journal(database);
        if (cluster.enabled()) {
            journal.sharedStore(new dev.omnibridge.hub.cluster.WriterLock(metrics.registry()));
        }
        // Who did what (contact links, exports, erasures): written in the transaction of what it records.
        AuditTrail audit = new AuditTrail(journal, database, clock);
        // Issue 25: the journal's timers (SLA alarms, surveys, retention, roll-ups, ...) run on one node at a time.
        journal.leases(cluster.leases());
        StoreMaintenance maintenance = null;
        if (config.store().embedded() && config.store().compaction()) {
            maintenance = new StoreMaintenance(config.store().compactBelowFill(),
                    StoreMaintenance.DEFAULT_BUDGET_MILLIS);
            journal.whenIdle(maintenance);
        }
        StoreInfo storeInfo = new StoreInfo(database, config.store().embedded());
        if (config.store().embedded()) {
            metrics.storeFile(() -> storeInfo.file().map(StoreInfo.FileFigures::fileBytes).orElse(0L),
                    () -> storeInfo.file().map(StoreInfo.FileFigures::liveRatio).orElse(Double.NaN),
                    () -> storeInfo.file().map(StoreInfo.FileFigures::writtenBytes).orElse(0L));
        }
        // Issue 25: with other nodes writing the store, a message may change where this node does not hear of it.
        RecentMessages recent = cluster.enabled() ? RecentMessages.none() : new RecentMessages();
        DeliveryStore deliveries = new DeliveryStore(database, recent, journal);

        CamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("omnibridge");
        CamelMetrics.install(camel, metrics.registry());
        dev.omnibridge.hub.store.WorkspaceTables conversationReferences =
                new dev.omnibridge.hub.store.WorkspaceTables(database);
        camelHost.attach(camel, catalog::pluginClassLoaders, id -> {
            try {
                return conversationReferences.details(id).map(dev.omnibridge.hub.store.WorkspaceTables.Details::reference);
            } catch (java.sql.SQLException e) {
                return java.util.Optional.empty();
            }
        });

        Dispatcher[] dispatcherRef = new Dispatcher[1];
        FirstResponseMetrics firstResponseMetrics = new FirstResponseMetrics(metrics.registry());
        FirstResponseClock firstResponses = new FirstResponseClock(config.firstResponse(),
                WorkingHours.Lookup.fromCalendars(config.calendars()::find, config::calendarOf),
                firstResponseMetrics, !cluster.enabled()); // Issue 25: remembers running clocks only when alone
        // Every inbound customer message is triaged (language, rules, routes) before it is stored.
        // One Triage for the writer and the rules test: its language models are loaded once.
        Triage rules = Triage.from(config);
        // Issue 24: replaced when a configuration reload changes the routes or the instances.
        dev.omnibridge.hub.reload.SwappableTriage triage = new dev.omnibridge.hub.reload.SwappableTriage(
                TriageStep.of(rules, config::desksFor, desk -> config.instance(desk).isPresent()));
        InboundWriter writer = new InboundWriter(triage, task -> dispatcherRef[0].enqueue(task), clock,
                recent, cluster.enabled() ? InboundWriter.Mode.SHARED_STORE : InboundWriter.Mode.SINGLE_NODE,
                firstResponses); // Issue 25: a shared store: no memory learnt from this node's own commits
        // Warnings and breaches fire on the journal's writer, each with its note's outbox rows in one transaction.
        new FirstResponseAlarms(firstResponses, writer::storeInternalNote, firstResponseMetrics, clock, journal)
                .schedule();
        // Conversations' "last message at" is written in small bulks a few times a second, not with every message.
        journal.every(java.time.Duration.ofMillis(250), writer.activityFlush());
        JournalQueries queries = new JournalQueries(database);
        // Privacy (issue 20): attachments encrypted with the store's key (AES-GCM) when hub.store.encryptionKey is
        // set; bodies and attachments older than privacy.retentionDays purged on the journal's timer.
        FileAttachmentStore attachmentFiles = new FileAttachmentStore(config.dataDir().resolve("attachments"),
                AttachmentCipher.of(config.store().encryptionKey()));
        new Retention(config.privacy(), config.instances().stream().map(HubConfig.Instance::id).toList(), journal,
                audit, attachmentFiles, recent, metrics, clock).schedule();
        InstanceManager instances = new InstanceManager(config, catalog, camel, journal, writer,
                new OffsetStore(database), queries, attachmentFiles, metrics, clock);
        // Issue 25: each polled source runs on the node holding its lease poll:<instance>:<name>, fenced.
        instances.pollers().cluster(cluster);
        // Issue 24: a stored file a channel cannot carry goes as an expiring signed link (GET /files/..., mounted
        // below), only where hub.publicUrl gives an address customers can open; otherwise it is named as not sent.
        dev.omnibridge.hub.files.SignedFileLinks fileLinks = config.delivery().fileLinkValidity() == null ? null
                : new dev.omnibridge.hub.files.SignedFileLinks(
                        dev.omnibridge.hub.files.FileLinkKey.loadOrCreate(config.dataDir()), config.publicUrl(),
                        config.delivery().fileLinkValidity(), clock);
        if (fileLinks != null) {
            instances.fileLinks(fileLinks);
        }
        // Issue 20 (identity): evidence of who is whom and the history note when a conversation is opened; the
        // decisions (agent links, desk reports) with their audit entries; each desk's memory of its requesters.
        ContactIdentity contactIdentity = new ContactIdentity(journal, audit, clock, instances.addresses());
        writer.identify(new InboundIdentity(instances.addresses().phones(),
                new HistoryNotes(config.identity().historyNote(), config.publicUrl(), writer::storeInternalNote)));
        instances.requesters(desk -> new HubDeskRequesters(desk, database, journal, contactIdentity, clock));
        ContactsApi contactsApi = new ContactsApi(new ContactQueries(database), contactIdentity);
        // Acknowledgements are decided in the transaction that stores the customer's message (see Acknowledger).
        // Without any channel acknowledging, nothing is installed: the writer then does no work for it at all.
        if (config.acknowledgements().anyEnabled()) {
            writer.automate(new Acknowledger(config.acknowledgements(),
                    CalendarLookup.of(config.calendars()::find, config::calendarOf),
                    id -> instances.connector(id, ChannelConnector.class).map(ChannelConnector::replyWindow),
                    metrics::acknowledgement));
        }
        // Issue 21, knowledge base: entries of the configured files and the desks' help centers, in an in-memory
        // Lucene index swapped whole on every change; the bot and /api/knowledge search it. Syncs and file checks
        // run on the service's own thread (see KnowledgeService).
        KnowledgeService knowledge = new KnowledgeService(config.knowledge(),
                config.knowledge().languagesOr(config.triage().languages()), new InstanceHelpCenters(instances),
                clock, metrics.registry());
        // Issue 25: in a cluster each help center is read on one node (lease timer:knowledge:<desk>), shared by the store.
        if (cluster.enabled()) {
            knowledge.cluster(cluster.leases(), cluster.bus(), new dev.omnibridge.hub.store.KnowledgeSnapshots(
                    database, journal, cluster.leases(), cluster.bus()));
        }
        knowledge.start();
        // Issue 21: what decides about a customer message in the transaction that stores it, before it goes to the
        // desks; the first to keep a message has it (a survey's answer before the bot's question).
        List<ConversationStep> conversationSteps = new java.util.ArrayList<>();
        // Satisfaction surveys (surveys:): scheduled on resolution, sent by the journal's timer, answers read here.
        if (config.surveys().anyEnabled()) {
            conversationSteps.add(dev.omnibridge.hub.survey.Surveys.start(config.surveys(), writer.outbox(), journal,
                    database, new dev.omnibridge.hub.survey.SurveyChannels() {
                        @Override
                        public boolean isChannel(String id) {
                            // Stopped for now (not RUNNING): still a channel, the outbox waits for it.
                            return config.instance(id).isPresent()
                                    && (instances.connector(id, ChannelConnector.class).isPresent()
                                    || instances.connector(id, Object.class).isEmpty());
                        }

                        @Override
                        public java.util.Optional<java.time.Duration> replyWindow(String id) {
                            return instances.connector(id, ChannelConnector.class)
                                    .map(ChannelConnector::replyWindow);
                        }
                    }, CalendarLookup.of(config.calendars()::find, config::calendarOf),
                    new dev.omnibridge.hub.survey.SurveyMetrics(metrics.registry()), clock));
        }
        // Issue 22, desks in step: a reply given at one desk (or in the console inbox) goes to the conversation's
        // other desks as a note, a status change as a note too (routes' mirror:); installed only where a channel
        // feeds two or more desks that mirror something.
        dev.omnibridge.hub.mirror.MirrorRules mirrorRules = new dev.omnibridge.hub.mirror.MirrorRules(config.routes());
        if (mirrorRules.anyOn(config.instances().stream().map(HubConfig.Instance::id).toList(), config::desksFor)) {
            conversationSteps.add(new dev.omnibridge.hub.mirror.DeskMirror(mirrorRules, writer.outbox(),
                    id -> config.instance(id).map(i -> !dev.omnibridge.hub.inbox.ConsoleInboxType.NAME.equals(i.type()))
                            .orElse(false)));
        }
        // Self-service bot (issue 21): answers from the knowledge base, hands off to a person; installed only when
        // some channel's mode is not off. A channel that acknowledges tells the customer of a hand-off itself.
        SelfServiceMetrics selfServiceMetrics = new SelfServiceMetrics(metrics.registry());
        SelfServiceStep selfService = config.selfService().anyOn() ? new SelfServiceStep(config.selfService(),
                knowledge, writer.outbox(), id -> config.acknowledgements().forInstance(id).enabled(),
                selfServiceMetrics, clock) : null;
        if (selfService != null) {
            conversationSteps.add(selfService);
        }
        // Issue 23: status changes as deliveries to the camel-desk routes that ask for them (events: [.., status]).
        dev.omnibridge.hub.camel.CamelStatusEvents.forConfig(config, writer.outbox()).ifPresent(conversationSteps::add);
        // Issue 22: status changes into the conversation's timeline (the console's events).
        conversationSteps.add(new dev.omnibridge.hub.workspace.ConversationEvents());
        writer.converse(ConversationStep.chain(conversationSteps));
        Dispatcher dispatcher = new Dispatcher(deliveries, journal, instances, metrics,
                new Backoff(config.delivery().initialBackoff(), config.delivery().maxBackoff()),
                config.delivery().maxAttempts(), config.delivery().workers(), clock, config.delivery().window(),
                DeliveryOrder.of(config.delivery().order()));
        // A reply the customer will never get is news for the agents: tell the desks with an internal note.
        dispatcher.onChannelDeadLetter((task, reason) -> {
            if (selfService != null) {
                // A bot answer the customer never got: a person takes over, the exchange before the failure note.
                journal.submit(selfService.lineNotDelivered(task)).whenComplete((none, error) -> {
                    if (error != null) {
                        LOG.warn("Could not hand off the conversation of message {}: {}", task.messageId(),
                                error.getMessage());
                    }
                });
            }
            journal.submit(writer.deliveryFailedNotice(task, reason)).whenComplete((desks, error) -> {
                if (error != null) {
                    LOG.warn("Could not record the delivery failure of message {}: {}", task.messageId(),
                            error.getMessage());
                }
            });
        });
        dispatcherRef[0] = dispatcher;
        // Issue 24: deliveries held for an instance (its plugin swapped, its configuration reloaded) go again as soon
        // as it runs.
        instances.whenRunning(dispatcher::release);
        dev.omnibridge.hub.reload.PluginSwap pluginSwap = new dev.omnibridge.hub.reload.PluginSwap(catalog, instances,
                dispatcher);
        dev.omnibridge.hub.reload.ConfigReload configReload = new dev.omnibridge.hub.reload.ConfigReload(instances,
                dispatcher, catalog, dev.omnibridge.hub.config.ConfigLoader.withSystemEnvironment()::load,
                next -> triage.swap(TriageStep.of(dev.omnibridge.hub.triage.Triage.from(next), next::desksFor,
                        desk -> next.instance(desk).isPresent())));
        dev.omnibridge.hub.web.ReloadApi reloadApi = new dev.omnibridge.hub.web.ReloadApi(pluginSwap, configReload);
        // Reply fallback (identity.replyFallback): a reply whose channel cannot reach the customer goes by another
        // of their verified addresses, through the outbox; the desks are told which way it went.
        deliveries.canStartThread(instances::canStartThread);
        dispatcher.onUnreachableCustomer(new ReplyFallback(config.identity().replyFallback(),
                instances::canStartThread, writer));
        // Conversations the bot still holds on a channel where it no longer answers (its mode changed, or
        // self-service is off and the step not even installed) go to their desks now, before any channel hands in a
        // message: nothing else would ever release them, and the customer's next message must follow them.
        try {
            new SwitchedOffRelease(id -> config.instance(id).isPresent()
                    && config.selfService().mode(id) == SelfServiceMode.ANSWER, writer.outbox(), selfServiceMetrics,
                    clock).run(journal);
        } catch (java.util.concurrent.ExecutionException e) {
            // Nothing of the failed page committed: its conversations stay held, and the next start tries again.
            LOG.warn("Could not hand the self-service bot's held conversations to the desks: {}",
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }

        // Up to 64 at once (a connector may download media inside its webhook call), but only as many threads as
        // actually run at once: a webhook task only parses and hands the message to the journal.
        ExecutorService blocking = BlockingPool.create("omnibridge-http-", 64, 60);
        AuthFailures authFailures = new AuthFailures(clock);
        // Issue 22, accounts and access: stored sessions and accounts (both also in memory, read at start), API
        // tokens with roles, and one table of which role may call which admin API route.
        AccessConfig access = config.access();
        Sessions sessions = new Sessions(journal, clock, access.idleTimeout(), access.absoluteTimeout());
        sessions.load(database);
        Accounts accounts = new Accounts(journal, database, audit, clock, sessions);
        accounts.load();
        Logins logins = new Logins(accounts, sessions, audit, authFailures, config.adminToken(), access, clock);
        AdminAuthorization authorization = new AdminAuthorization(new ApiTokens(config.adminToken(), access.tokens()),
                sessions, logins, authFailures, AccessPolicy.standard(), audit);
        AccountsApi accountsApi = new AccountsApi(accounts, sessions);
        InboxService inboxService = new InboxService(instances, queries);
        OperatorApi operator = new OperatorApi(instances, inboxService,
                new JournalStats(database), new Reachability(journal, clock), clock,
                new FirstResponseViews(database));
        WebhookIngress ingress = new WebhookIngress(instances.webhooks(), metrics, blocking);
        HttpApi api = new HttpApi(instances, dispatcher, deliveries, queries, metrics, authorization, blocking,
                operator);
        // Issue 22: the agents' workspace (list, filters, search, references, assignment, notes, canned replies).
        dev.omnibridge.hub.web.ConversationsApi conversationsApi = new dev.omnibridge.hub.web.ConversationsApi(queries,
                new dev.omnibridge.hub.store.WorkspaceTables(database), journal, writer.outbox(), inboxService,
                instances, operator, clock);
        // The same triage the inbound writer runs, so the rules test answers what ingest would do.
        RulesTestApi rulesTest = new RulesTestApi(rules, config::instance, clock);
        StoreApi storeApi = new StoreApi(storeInfo, maintenance, config.store().compactBelowFill());
        // Single sign-on (OpenID Connect), when configured: the provider is first asked at the first sign-in.
        dev.omnibridge.hub.access.OidcLogins sso = access.oidc() == null ? null
                : new dev.omnibridge.hub.access.OidcLogins(access.oidc(),
                        new dev.omnibridge.hub.access.OidcProvider(access.oidc().issuer(), clock), logins, accounts,
                        audit, clock, config.publicUrl());
        ConsoleWeb console = new ConsoleWeb(sessions, logins, accounts, blocking,
                "https".equalsIgnoreCase(config.publicUrl().getScheme()), sso, authFailures);
        // Issue 20, privacy: a contact's export and erasure (durable steps, resumed at start-up), the audit trail.
        ContactErasure erasure = new ContactErasure(database, journal, new ContactErasures(writer, recent),
                attachmentFiles, instances::eraseRequester, audit, clock, ContactErasure.Retry.DEFAULT);
        // Issue 25: erasure jobs run on the node holding lease timer:erasure (a hub on its own: here, as before).
        erasure.leases(cluster.leases());
        PrivacyApi privacyApi = new PrivacyApi(new ContactExport(new ContactRecords(database), attachmentFiles, audit,
                ids -> dev.omnibridge.hub.store.SurveyTables.ofConversations(database, ids)),
                erasure);
        AuditApi auditApi = new AuditApi(audit);
        // The threshold of a channel is the bot's (selfService), as the bot compares with it.
        KnowledgeApi knowledgeApi = new KnowledgeApi(knowledge,
                channel -> config.selfService().forInstance(channel).threshold());
        if (knowledge.configured()) {
            api.healthPart("knowledge", knowledgeApi::health);
        }
        // Issue 24: each plugin with its version, required plugin API range, state and why it is not started.
        api.healthPart("plugins", catalog::health);
        // Issue 21, service analytics: message counts per hour, and each conversation's first reply and target,
        // rolled up off the writer's per-message path.
        AnalyticsVolumes.schedule(journal);
        AnalyticsFirstReplies.schedule(journal);
        AnalyticsApi analyticsApi = new AnalyticsApi(new ServiceAnalytics(new AnalyticsQueries(database), clock),
                clock);
        // Issue 22, backfill: a desk newly added to a route is sent the history (a date range or the open
        // conversations) page by page on the journal's writer; a backfill stopped by a restart resumes here.
        dev.omnibridge.hub.mirror.Backfills backfills = new dev.omnibridge.hub.mirror.Backfills(database, journal,
                writer, desk -> config.instances().stream().map(HubConfig.Instance::id)
                        .filter(channel -> config.desksFor(channel).contains(desk)).toList(),
                id -> config.instance(id).map(i -> !dev.omnibridge.hub.inbox.ConsoleInboxType.NAME.equals(i.type()))
                        .orElse(false) && config.routes().stream().anyMatch(r -> r.to().contains(id)), clock);
        backfills.schedule();
        dev.omnibridge.hub.web.BackfillsApi backfillsApi = new dev.omnibridge.hub.web.BackfillsApi(backfills, audit);
        HttpServerMetrics requestTimings = new HttpServerMetrics(metrics.registry());

        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost(config.http().host());
        http.setBindPort(config.http().port());
        http.setMaxBodySize(config.http().maxBodyBytes());
        // Camel builds the Vert.x body handler from this, but never passes handleFileUploads=false on: Vert.x then
        // keeps multipart and form uploads in its default "file-uploads" folder of the working directory. Naming
        // the folder (under dataDir, emptied after each request) keeps the working directory clean.
        http.getBodyHandler().setHandleFileUploads(true);
        http.getBodyHandler().setUploadsDirectory(config.dataDir().resolve("uploads").toString());
        http.getBodyHandler().setDeleteUploadedFilesOnEnd(true);
        // Every route is in place when the port opens; hooks of instances not yet started answer 503.
        camel.addService(new HubHttpServer(http, router -> {
            requestTimings.install(router);
            ingress.mount(router, router.bodyHandler(), config.http().maxBodyBytes());
            api.mount(router, router.bodyHandler());
            if (fileLinks != null) {
                new dev.omnibridge.hub.files.FileLinkRoute(fileLinks, new dev.omnibridge.hub.store.StoredFileRefs(
                        database), attachmentFiles, blocking).mount(router);
            }
            conversationsApi.mount(router, router.bodyHandler(), api);
            storeApi.mount(router, api);
            privacyApi.mount(router, api);
            auditApi.mount(router, api);
            accountsApi.mount(router, router.bodyHandler(), api);
            knowledgeApi.mount(router, api);
            analyticsApi.mount(router, api);
            contactsApi.mount(router, router.bodyHandler(), api);
            rulesTest.mount(router, router.bodyHandler(), api);
            backfillsApi.mount(router, router.bodyHandler(), api);
            reloadApi.mount(router, api);
            console.mount(router, router.bodyHandler());
        }));
        camel.start();
        instances.startAll();
        knowledge.startSyncs();
        dispatcher.recover();
        erasure.resume();
        LOG.info("Omnibridge ready on http://{}:{} in {} ms", config.http().host(), config.http().port(),
                (System.nanoTime() - t0) / 1_000_000);
        Hub hub = new Hub(catalog, database, journal, camel, dispatcher, instances, blocking, jvmMetrics, erasure,
                knowledge);
        hub.configReload = configReload;
        hub.cluster = cluster; // Issue 25: closed (leases given up) at a graceful stop
        // Issue 24: a plugin zip dropped in, replaced or removed is picked up once the directory is quiet.
        if (Files.isDirectory(pluginSwap.pluginsDir())) {
            hub.pluginWatcher = dev.omnibridge.hub.reload.FileWatcher.start("plugins", pluginSwap.pluginsDir(),
                    name -> name.endsWith(".zip") || name.endsWith(".jar"), dev.omnibridge.hub.reload.PluginSwap.WATCH_QUIET,
                    pluginSwap::reload);
        }
        return hub;
    }

    private volatile dev.omnibridge.hub.reload.ConfigReload configReload;
    private volatile dev.omnibridge.hub.cluster.Cluster cluster;

    /**
     * Issue 25: this node of a cluster on PostgreSQL (hub.cluster.enabled); refused on any other store, whose
     * cluster SQL (leases, the writer lock) would not run, or whose file only this node can reach.
     */
    private static dev.omnibridge.hub.cluster.Cluster startCluster(HubConfig config, Database database,
                                                                  io.micrometer.core.instrument.MeterRegistry registry)
            throws java.sql.SQLException {
        dev.omnibridge.hub.cluster.ClusterSection.storeProblem(config.store()).ifPresent(p -> {
            database.close();
            throw new IllegalStateException(p.message());
        });
        // TEMPORARY NoBus until helper C's PostgresBus is merged (then: new PostgresBus(...)).
        return dev.omnibridge.hub.cluster.PostgresCluster.start(database.dataSource(), config.cluster(),
                new dev.omnibridge.hub.cluster.NoBus(), Hub.class.getPackage().getImplementationVersion(), registry);
    }

    /** Issue 25: this node's view of its cluster (a cluster of one for a hub on its own). */
    public dev.omnibridge.hub.cluster.Cluster cluster() {
        return cluster;
    }
    private volatile dev.omnibridge.hub.reload.FileWatcher pluginWatcher;
    private volatile dev.omnibridge.hub.reload.FileWatcher configWatcher;

    /**
     * Issue 24: the configuration file this hub was started from: {@code POST /api/config/reload} reads it again,
     * and so does a change to it (once it has been quiet for a second).
     */
    public void configFile(java.nio.file.Path file) {
        java.nio.file.Path absolute = file.toAbsolutePath();
        configReload.file(absolute);
        String name = absolute.getFileName().toString();
        dev.omnibridge.hub.reload.ConfigReload reload = configReload;
        configWatcher = dev.omnibridge.hub.reload.FileWatcher.start("configuration", absolute.getParent(),
                name::equals, dev.omnibridge.hub.reload.ConfigReload.WATCH_QUIET, reload::reload);
    }

    /**
     * The hub's Camel context, for an embedding application and tests (e.g. to send into a camel-channel's
     * {@code direct:} route). Connectors get a restricted view of it instead ({@code ConnectorContext.camel()}).
     */
    public CamelContext camel() {
        return camel;
    }

    @Override
    public void close() {
        LOG.info("Omnibridge stopping");
        if (pluginWatcher != null) {
            pluginWatcher.close();
        }
        if (configWatcher != null) {
            configWatcher.close();
        }
        // An erasure stopped between steps resumes at the next start.
        erasure.close();
        knowledge.close();
        dispatcher.close();
        instances.stopAll();
        try {
            camel.stop();
        } catch (RuntimeException e) {
            LOG.warn("Camel did not stop cleanly: {}", e.getMessage());
        }
        blocking.shutdown();
        journal.close();
        // Issue 25: after the journal's last group, before the store closes: the other nodes take over at once.
        if (cluster != null) {
            cluster.close();
        }
        database.close();
        catalog.close();
        jvmMetrics.close();
        LOG.info("Omnibridge stopped");
    }
}
