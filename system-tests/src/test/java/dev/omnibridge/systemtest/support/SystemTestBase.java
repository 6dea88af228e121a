package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * One hub process per test class, with two WireMock servers in the test JVM: {@link #desk} (the webhook-desk
 * instance {@value #DESK}'s {@code url}) and {@link #channel} (the webhook-channel instance {@value #WEB}'s
 * {@code callbackUrl}). Tests in a class share the hub, so each uses its own thread keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SystemTestBase {
    protected static final String WEB = "web";
    protected static final String DESK = "desk";
    protected static final String CHANNEL_SECRET = "channel-secret-for-tests";
    protected static final String DESK_SECRET = "desk-secret-for-tests";
    protected static final String DESK_PATH = "/desk";
    protected static final String CALLBACK_PATH = "/replies";
    /** The stub priority tests use to override the default desk answer for their own conversations. */
    protected static final int OVERRIDE = 1;

    protected WireMockServer desk;
    protected WireMockServer channel;
    protected HubProcess hub;

    @RegisterExtension
    final TestWatcher printHubLogOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (hub != null) {
                hub.printLogTail(context.getDisplayName() + " failed");
            }
        }
    };

    /**
     * After the class (hub stopped): the hub's log shows none of the configuration's secrets nor the addresses and
     * texts the test registers here ({@code logScan.addresses(...)}, {@code logScan.texts(...)}) at INFO or above.
     */
    @RegisterExtension
    protected final HubLogScan logScan = new HubLogScan(() -> hub);

    @BeforeAll
    void startHubAndFakes() {
        desk = startWireMock();
        channel = startWireMock();
        desk.stubFor(deskPost().atPriority(10).willReturn(ticketResponse(200)));
        channel.stubFor(post(urlEqualTo(CALLBACK_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"cb-{{randomValue length=12 type='ALPHANUMERIC'}}\"}")
                .withTransformers("response-template")));
        hub = startHub();
        awaitRunning(WEB, DESK);
    }

    @AfterAll
    void stopHubAndFakes() {
        if (hub != null) {
            hub.close();
        }
        if (desk != null) {
            desk.stop();
        }
        if (channel != null) {
            channel.stop();
        }
    }

    /** Override to start the hub differently; the default is {@link #config()} with the reference plugins. */
    protected HubProcess startHub() {
        HubConfig config = store(config());
        logScan.secrets(config.secrets());
        return HubProcess.start(getClass().getSimpleName(), config);
    }

    /** Override to change the configuration; the default routes channel {@value #WEB} to desk {@value #DESK}. */
    protected HubConfig config() {
        return standardConfig();
    }

    /**
     * Where the hub keeps its store; {@link #startHub()} and {@link #startHubWith} apply it to {@link #config()}. The
     * default leaves the embedded H2 store; the {@code *OnPostgresTest} variants (issue 25) override it with
     * {@code c.postgres(SharedPostgres.database(getClass()))}.
     */
    protected HubConfig store(HubConfig c) {
        return c;
    }

    /** Starts the hub on {@link #config()} with the reference plugins and these connectors' plugin zips. */
    protected HubProcess startHubWith(String... connectors) {
        List<java.nio.file.Path> plugins = new java.util.ArrayList<>(HubProcess.referencePlugins());
        for (String connector : connectors) {
            plugins.add(HubProcess.pluginZip(connector));
        }
        HubConfig config = store(config());
        logScan.secrets(config.secrets());
        return HubProcess.start(getClass().getSimpleName(), config, plugins);
    }

    /**
     * Channel {@value #WEB} and desk {@value #DESK} with quick retries and no route: a test adds the instance it is
     * about and routes to it.
     */
    protected HubConfig quickRetryConfig() {
        return HubConfig.create()
                .delivery("initialBackoff", "200ms")
                .delivery("maxBackoff", "2s")
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET);
    }

    /** A name no other test run uses, e.g. a thread key. */
    protected static String unique(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    protected HubConfig standardConfig() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .route(WEB, DESK);
    }

    private static WireMockServer startWireMock() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(48).templatingEnabled(true));
        server.start();
        return server;
    }

    /** {@code POST /desk}; add matchers to narrow it to one conversation. */
    protected static MappingBuilder deskPost() {
        return post(urlEqualTo(DESK_PATH));
    }

    /** A desk answer as the contract wants it: the ticket ref is derived from the hub's conversation id. */
    protected static ResponseDefinitionBuilder ticketResponse(int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"ticketRef\":\"T-{{jsonPath request.body '$.conversation.id'}}\"}")
                .withTransformers("response-template");
    }

    /** A customer message posted to the {@value #WEB} channel, correctly signed. */
    protected HttpResponse<String> postToChannel(String channelMessageId, String threadKey, String text) {
        return postToChannel(Messages.inbound(channelMessageId, threadKey, text));
    }

    protected HttpResponse<String> postToChannel(String body) {
        return hub.http().postSigned("/hooks/" + WEB, CHANNEL_SECRET, body);
    }

    /** A desk reply posted to {@code /hooks/desk}, correctly signed. */
    protected HttpResponse<String> postDeskReply(String body) {
        return hub.http().postSigned("/hooks/" + DESK, DESK_SECRET, body);
    }

    protected List<ReceivedRequest> deskRequests() {
        return ReceivedRequest.all(desk);
    }

    protected List<ReceivedRequest> deskRequestsFor(String threadKey) {
        return deskRequests().stream().filter(r -> threadKey.equals(r.threadKey())).toList();
    }

    /** Desk requests for the thread that the desk answered with 2xx. */
    protected List<ReceivedRequest> deskAcceptedFor(String threadKey) {
        return deskRequestsFor(threadKey).stream()
                .filter(r -> r.event().getResponse().getStatus() / 100 == 2 && r.event().getResponse().getFault() == null)
                .toList();
    }

    /** Outbound messages the hub POSTed to the channel's callback for this thread. */
    protected List<ReceivedRequest> callbacksFor(String threadKey) {
        return ReceivedRequest.all(channel).stream().filter(r -> threadKey.equals(r.text("/threadKey"))).toList();
    }

    /** Waits until {@code thread}'s messages have been accepted by the desk {@code count} times. */
    protected List<ReceivedRequest> awaitDeskAccepted(String threadKey, int count, Duration timeout) {
        Poll.until(timeout, "the desk has accepted " + count + " message(s) of " + threadKey,
                () -> deskAcceptedFor(threadKey).size() >= count);
        return deskAcceptedFor(threadKey);
    }

    /**
     * Waits until the hub has recorded the desk's answer to the first event of a new conversation: its DESK delivery
     * is DONE, which the hub commits together with the ticket link. The desk fake answers before that commit, so a
     * desk reply (or a desk webhook naming the ticket) posted as soon as the desk saw the event can reach a hub that
     * knows no such ticket yet, and is set aside as an inbound dead letter.
     */
    protected void awaitTicketLinked(ReceivedRequest firstEvent) {
        awaitDeskDeliveriesDone(firstEvent.conversationId());
    }

    /** Waits until the conversation has a DESK delivery and all of its DESK deliveries are DONE (at most 30 s). */
    protected void awaitDeskDeliveriesDone(String conversationId) {
        String path = "/api/messages?limit=100&conversationId=" + conversationId;
        try {
            Poll.until(Duration.ofSeconds(30), "the DESK deliveries of conversation " + conversationId + " are DONE",
                    () -> {
                        List<JsonNode> desk = new java.util.ArrayList<>();
                        hub.http().adminJson(path).path("messages").forEach(m -> m.path("deliveries").forEach(d -> {
                            if ("DESK".equals(d.path("kind").asText())) {
                                desk.add(d);
                            }
                        }));
                        return !desk.isEmpty() && desk.stream().allMatch(d -> "DONE".equals(d.path("status").asText()));
                    });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; GET " + path + " answers " + hub.http().adminJson(path), e);
        }
    }

    /** Waits up to {@code wait} for the conversation {@code customer} opened on channel {@code instance}; its id. */
    protected String awaitConversationOf(String instance, String customer, Duration wait) {
        String[] id = new String[1];
        Poll.until(wait, "a conversation of " + customer + " on " + instance, () -> {
            for (JsonNode c : hub.http().adminJson("/api/conversations").path("conversations")) {
                if (c.path("channel").path("instanceId").asText().equals(instance)
                        && c.path("customer").path("value").asText().equals(customer)) {
                    id[0] = c.path("id").asText();
                    return true;
                }
            }
            return false;
        });
        return id[0];
    }

    /** Waits up to {@code wait} until the conversation has its ticket at desk instance {@code desk}; its id. */
    protected String awaitDeskTicket(String conversation, String desk, Duration wait) {
        Poll.until(wait, "conversation " + conversation + " has its " + desk + " ticket", () -> hub.http()
                .adminJson("/api/conversations/" + conversation).path("deskTickets").has(desk));
        return hub.http().adminJson("/api/conversations/" + conversation).path("deskTickets").path(desk).asText();
    }

    /** Waits until {@code server} has received nothing new for {@code quiet} (at most a minute). */
    protected static void awaitQuiet(WireMockServer server, Duration quiet) {
        AtomicInteger lastCount = new AtomicInteger(-1);
        AtomicLong changedAt = new AtomicLong(System.nanoTime());
        Poll.until(Duration.ofSeconds(60), "no more requests arrive for " + quiet, () -> {
            int count = server.getAllServeEvents().size();
            if (count != lastCount.getAndSet(count)) {
                changedAt.set(System.nanoTime());
            }
            return System.nanoTime() - changedAt.get() >= quiet.toNanos();
        });
    }

    /** Waits until every named instance is RUNNING; on failure the hub's log tail and health say why. */
    protected void awaitRunning(String... instanceIds) {
        String what = String.join(", ", instanceIds) + " RUNNING";
        try {
            Poll.until(Duration.ofSeconds(30), what, () -> {
                JsonNode instances = hub.http().health().path("instances");
                return java.util.Arrays.stream(instanceIds)
                        .allMatch(id -> instances.at("/" + id + "/state").asText().equals("RUNNING"));
            });
        } catch (AssertionError e) {
            hub.printLogTail("not " + what);
            throw new AssertionError(e.getMessage() + "; health: " + hub.http().health(), e);
        }
    }

    protected JsonNode deadLetters() {
        return hub.http().adminJson("/api/dead-letters").path("deadLetters");
    }

    protected static String describe(HttpResponse<String> response) {
        return response.request().method() + " " + response.request().uri().getPath() + " -> "
                + response.statusCode() + " " + response.body();
    }
}
