package dev.omnibridge.testkit.contract;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.Settings;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * The contract every connector keeps, as JUnit 5 tests: a connector's test class implements
 * {@link ChannelConnectorContract} or {@link DeskConnectorContract} (which extend this), supplies what the checks
 * need (its type, valid settings, sample inbound traffic and how the vendor signs it, a way to make sends fail), and
 * inherits one test per {@link Check}. A check that cannot apply is left out only with a reason
 * ({@link #optOuts()}), and shows as skipped with it.
 *
 * <p>The checks are fast unit tests: no hub, the connector runs against {@link FakeConnectorContext} and the
 * module's own stubs (WireMock, GreenMail).
 *
 * @param <C> the connector class
 */
public interface ConnectorContract<C extends Connector> {
    /** Setting names ending like a credential (apiToken, clientSecret, smtpPassword, apiKey): declared {@code secret()}. */
    Pattern SECRET_NAME = Pattern.compile("(?i).*(token|secret|password|passwd|apikey|api_key|privatekey|credentials?)$");

    // ---- what the implementer supplies --------------------------------------------------------------------------

    /** The plugin's connector type (its ConfigDef and factory). */
    ConnectorType type();

    /**
     * Settings that validate, as configuration would give them (strings, numbers, lists); secrets included. URLs
     * point at the test's stubs.
     */
    Map<String, ?> validSettings();

    /** Checks that do not apply to this connector, each with the reason (shown when the check is skipped). */
    default Map<Check, String> optOuts() {
        return Map.of();
    }

    /** The instance id the checks run the connector under. */
    default String instanceId() {
        return "contract-" + type().name();
    }

    /** Settings whose name looks like a credential but which are not secret, each with the reason. */
    default Map<String, String> notSecretSettings() {
        return Map.of();
    }

    /** The module's README, which holds the generated settings table (tests run in the module directory). */
    default Path readme() {
        return Path.of("README.md");
    }

    /** The hub side a connector runs against; override to add Camel, a clock, desk availability... */
    default FakeConnectorContext newContext(Map<String, ?> settings) {
        return new FakeConnectorContext(instanceId(), type().config(), settings);
    }

    /** A new, not started connector. */
    @SuppressWarnings("unchecked")
    default C newConnector() {
        return (C) type().create();
    }

    /** A connector started with {@link #validSettings()}; override when starting needs stubs or extra steps. */
    default Running<C> startConnector() throws Exception {
        FakeConnectorContext context = newContext(validSettings());
        C connector = newConnector();
        connector.start(context);
        return new Running<>(connector, context);
    }

    // ---- inbound: webhooks or polls ----------------------------------------------------------------------------

    /**
     * Webhooks the vendor would send, unsigned, at least two of them with distinct events (e.g. two customer
     * messages). Empty for connectors without webhooks: override {@link #receive} (a poll) or opt out.
     */
    default List<WebhookSample> webhookSamples() {
        return List.of();
    }

    /**
     * The secret the vendor signs with, as configured in {@link #validSettings()}. Default: the value of the only
     * secret setting there.
     */
    default String webhookSecret() {
        List<String> secrets = new ArrayList<>(secretValues());
        if (secrets.size() != 1) {
            throw new IllegalStateException("override webhookSecret(): validSettings() has " + secrets.size()
                    + " secret settings");
        }
        return secrets.get(0);
    }

    /**
     * The sample signed as the vendor signs it, with {@code secret}, at {@code signedAt} (schemes with a timestamp
     * put it in the signed data). Default: the reference connectors' {@code X-Omnibridge-Signature}
     * ({@code sha256=<hex HMAC-SHA256 of the body>}), no timestamp.
     */
    default WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        return sample.toRequest(instanceId(), Map.of("X-Omnibridge-Signature",
                List.of(TestWebhooks.signature(secret, sample.body()))));
    }

    /**
     * How old a signature may be when the scheme signs a timestamp (e.g. HubSpot's v3, 5 minutes): a request signed
     * earlier must be refused. Empty for schemes without a timestamp: a replay is then caught by its dedupe id (the
     * {@link Check#REPLAY_REFUSED} check asserts that the replayed request is stored once).
     */
    default Optional<Duration> signatureMaxAge() {
        return Optional.empty();
    }

    /** The statuses a refused signature may get. */
    default Set<Integer> refusalStatuses() {
        return Set.of(401, 403);
    }

    /** How many inbound samples {@link #receive} takes. Default: one per {@link #webhookSamples()} item. */
    default int inboundSampleCount() {
        return webhookSamples().size();
    }

    /**
     * Hands inbound sample {@code sample} to the running connector as the vendor would and returns what the
     * connector handed the hub. Default: the signed webhook sample through {@code onWebhook}. Polling connectors
     * put the item where the poll finds it, poll, and return the submissions.
     */
    default Inbound receive(Running<C> running, int sample) throws Exception {
        return running.connector().onWebhook(sign(webhookSamples().get(sample), webhookSecret(), Instant.now()))
                .inbound();
    }

    /** The dedupe ids and thread keys of what the connector handed the hub (channel: messages; desk: replies). */
    List<InboundKey> inboundKeys(Inbound inbound);

    // ---- outbound failures ---------------------------------------------------------------------------------------

    /** Makes the vendor's API (the test's stub) answer the connector's next send or delivery with {@code status}. */
    void failSendsWith(int status) throws Exception;

    /**
     * Makes the next send or delivery fail on the network (a reset connection, or no answer within a short
     * configured timeout): the connector must call it retryable.
     */
    void failSendsWithNetworkError() throws Exception;

    /** Sends (channel) or delivers (desk) the sample outbound item; the failure the connector threw, or null. */
    Throwable attemptSend(Running<C> running) throws Exception;

    /** The HTTP statuses {@link Check#SEND_ERRORS_CLASSIFIED} tries. */
    default List<Integer> sendFailureStatuses() {
        return List.of(400, 401, 403, 404, 422, 429, 500, 502, 503);
    }

    /**
     * How the connector documents a failed send with {@code status}: by default as
     * {@link DeliveryException#forHttpStatus} (408, 425, 429 and 5xx retryable, other statuses permanent).
     */
    default DeliveryException.Kind expectedKind(int status) {
        return DeliveryException.forHttpStatus(status, null, null).kind();
    }

    // ---- logs ------------------------------------------------------------------------------------------------------

    /** Values that must never be printed: by default the values of the secret settings in {@link #validSettings()}. */
    default Set<String> secretValues() {
        Set<String> out = new LinkedHashSet<>();
        for (Setting s : type().config().settings()) {
            Object v = validSettings().get(s.name());
            if (s.isSecret() && v != null && !String.valueOf(v).isBlank()) {
                out.add(String.valueOf(v));
            }
        }
        return out;
    }

    /**
     * Customer data in the samples that must never be printed at INFO or above, besides what the checks find in
     * the inbound items themselves (addresses, names, texts): e.g. the outbound sample's address.
     */
    default Set<String> customerData() {
        return Set.of();
    }

    /** Customer data in what the connector handed the hub (addresses, display names, texts). */
    Set<String> customerDataIn(Inbound inbound);

    // ---- the checks ------------------------------------------------------------------------------------------------

    /** Skips the calling check when this connector opted out of it, showing the reason. */
    default void unlessOptedOut(Check check) {
        String reason = optOuts().get(check);
        Assumptions.assumeTrue(reason == null, () -> check + " does not apply: " + reason);
    }

    @Test
    default void everySettingHasATypeAndADescription() {
        unlessOptedOut(Check.SETTINGS_DOCUMENTED);
        List<Setting> all = new ArrayList<>(type().config().settings());
        all.addAll(type().assignment().settings());
        assertThat(all).allSatisfy(s -> {
            assertThat(s.type()).as("type of setting '%s'", s.name()).isNotNull();
            assertThat(s.description()).as("description of setting '%s'", s.name()).isNotBlank();
        });
        assertThat(type().description()).as("the type's description").isNotBlank();
    }

    @Test
    default void credentialSettingsAreSecretAndNeverShown() {
        unlessOptedOut(Check.SECRETS_HIDDEN);
        ConfigDef config = type().config();
        for (Setting s : config.settings()) {
            if (SECRET_NAME.matcher(s.name()).matches() && !notSecretSettings().containsKey(s.name())) {
                assertThat(s.isSecret()).as("setting '%s' looks like a credential: declare it secret(), or list it"
                        + " in notSecretSettings() with the reason", s.name()).isTrue();
            }
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Settings parsed = config.parse(instanceId(), validSettings(), problems);
        for (Setting s : config.settings()) {
            if (s.isSecret() && parsed.has(s.name())) {
                assertThat(parsed.secret(s.name())).as("secret setting '%s'", s.name()).isInstanceOf(Secret.class);
            }
        }
        // A refused secret value must not be quoted back: not in the parsed settings' text, not in any problem.
        Map<String, Object> broken = new LinkedHashMap<>(validSettings());
        String marker = "Marker-Secret-Value-\u00e9\u00e9-" + Long.toHexString(System.nanoTime());
        config.settings().stream().filter(Setting::isSecret).forEach(s -> broken.put(s.name(), marker + "\n\t"));
        List<ConfigProblem> brokenProblems = new ArrayList<>();
        Settings brokenParsed = config.parse(instanceId(), broken, brokenProblems);
        String shown = parsed + " " + problems + " " + brokenParsed + " " + brokenProblems;
        assertThat(shown).doesNotContain(marker);
        for (String secret : secretValues()) {
            assertThat(shown).as("settings and problems as text").doesNotContain(secret);
        }
    }

    @Test
    default void validSettingsValidate() {
        unlessOptedOut(Check.VALID_SETTINGS_VALIDATE);
        List<ConfigProblem> problems = new ArrayList<>();
        type().config().parse(instanceId(), validSettings(), problems);
        assertThat(problems).as("problems with validSettings()").isEmpty();
    }

    @Test
    default void aMissingRequiredSettingIsReported() {
        unlessOptedOut(Check.MISSING_REQUIRED_REPORTED);
        List<Setting> required = type().config().settings().stream().filter(Setting::isRequired).toList();
        for (Setting s : required) {
            Map<String, Object> without = new LinkedHashMap<>(validSettings());
            without.remove(s.name());
            List<ConfigProblem> problems = new ArrayList<>();
            type().config().parse(instanceId(), without, problems);
            assertThat(problems).as("problems without required setting '%s'", s.name())
                    .anySatisfy(p -> assertThat(p.key()).isEqualTo(s.name()));
        }
    }

    @Test
    default void settingsTableInReadmeIsCurrent() throws Exception {
        unlessOptedOut(Check.README_TABLE_CURRENT);
        String name = type().name();
        String expected = SettingsTable.render(type().config());
        Path readme = readme();
        String text = Files.exists(readme) ? Files.readString(readme, StandardCharsets.UTF_8) : "";
        Optional<String> current = ReadmeSettings.current(text, name);
        if (current.isPresent() && current.get().equals(expected)) {
            return;
        }
        if (ReadmeSettings.updateRequested()) {
            ReadmeSettings.write(readme, name, expected);
            return;
        }
        fail("The settings table of '" + name + "' in " + readme.toAbsolutePath() + " is "
                + (current.isPresent() ? "out of date" : "missing (no " + ReadmeSettings.begin(name) + " marker)")
                + ". Expected, between " + ReadmeSettings.begin(name) + " and " + ReadmeSettings.end(name) + ":\n\n"
                + expected + "\nRegenerate with: mvn -o -pl <this module> -am test -Dtest='<this test class>'"
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + ReadmeSettings.UPDATE_PROPERTY + "=true");
    }

    @Test
    default void inboundItemsKeepTheirDedupeIdsWhenReceivedAgain() throws Exception {
        unlessOptedOut(Check.INBOUND_DEDUPE_STABLE);
        requireInboundSamples(1, Check.INBOUND_DEDUPE_STABLE);
        for (int i = 0; i < inboundSampleCount(); i++) {
            List<InboundKey> first;
            List<InboundKey> again;
            List<InboundKey> elsewhere;
            try (Running<C> running = startConnector()) {
                first = inboundKeys(receive(running, i));
                again = inboundKeys(receive(running, i));
            }
            try (Running<C> restarted = startConnector()) {
                elsewhere = inboundKeys(receive(restarted, i));
            }
            assertThat(first).as("inbound sample %d gives the hub something to key", i).isNotEmpty();
            assertThat(first).as("inbound sample %d has dedupe ids", i)
                    .allSatisfy(k -> assertThat(k.dedupeId() == null && !"ticketUpdate".equals(k.kind()))
                            .as("%s without dedupe id", k.kind()).isFalse());
            // A polling connector may hand nothing the second time (its cursor has moved on); what it hands again
            // must carry the ids it had the first time.
            assertThat(again).as("sample %d received twice", i).extracting(InboundKey::dedupeId)
                    .isSubsetOf(first.stream().map(InboundKey::dedupeId).toList());
            assertThat(elsewhere).as("sample %d received by a new instance", i).extracting(InboundKey::dedupeId)
                    .isEqualTo(first.stream().map(InboundKey::dedupeId).toList());
        }
    }

    @Test
    default void distinctInboundItemsGetDistinctDedupeIds() throws Exception {
        unlessOptedOut(Check.INBOUND_DISTINCT_IDS);
        requireInboundSamples(2, Check.INBOUND_DISTINCT_IDS);
        List<String> ids = new ArrayList<>();
        try (Running<C> running = startConnector()) {
            for (int i = 0; i < inboundSampleCount(); i++) {
                inboundKeys(receive(running, i)).stream().map(InboundKey::dedupeId)
                        .filter(java.util.Objects::nonNull).forEach(ids::add);
            }
        }
        assertThat(ids).as("dedupe ids of all samples").doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(2);
    }

    /**
     * Thread keys: an item received again, by the instance that had it and by a restarted one on the same hub side
     * (offsets and stored messages kept, as after a hub restart), lands in the same thread. Items are handed to the
     * hub side ({@code submit}) as the hub would store them, so threads the connector names from the hub's store
     * (an email conversation's token) are found again.
     */
    @Test
    default void threadKeysAreStable() throws Exception {
        unlessOptedOut(Check.THREAD_KEYS_STABLE);
        requireInboundSamples(1, Check.THREAD_KEYS_STABLE);
        for (int i = 0; i < inboundSampleCount(); i++) {
            List<InboundKey> first;
            List<InboundKey> again;
            List<InboundKey> afterRestart;
            Running<C> running = startConnector();
            try {
                first = inboundKeys(receiveAndStore(running, i));
                again = inboundKeys(receiveAndStore(running, i));
                running = restart(running);
                afterRestart = inboundKeys(receiveAndStore(running, i));
            } finally {
                running.close();
            }
            assertThat(first).as("thread keys of sample %d", i)
                    .allSatisfy(k -> assertThat(k.threadKey()).as("%s thread key", k.kind()).isNotBlank());
            Map<String, String> threads = new LinkedHashMap<>();
            first.forEach(k -> threads.put(k.kind() + ":" + k.dedupeId(), k.threadKey()));
            for (InboundKey k : concat(again, afterRestart)) {
                String expected = threads.get(k.kind() + ":" + k.dedupeId());
                if (expected != null) {
                    assertThat(k.threadKey()).as("thread of %s %s from sample %d, received again", k.kind(),
                            k.dedupeId(), i).isEqualTo(expected);
                }
            }
        }
    }

    /** {@link #receive}, and the result stored in the hub side as the hub would (unless the connector did). */
    private Inbound receiveAndStore(Running<C> running, int sample) throws Exception {
        int before = running.context().submissions().size();
        Inbound inbound = receive(running, sample);
        if (running.context().submissions().size() == before) {
            running.context().submit(inbound).toCompletableFuture().join();
        }
        return inbound;
    }

    private static List<InboundKey> concat(List<InboundKey> a, List<InboundKey> b) {
        List<InboundKey> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Stops the connector and starts a new one on the same hub side, as a hub restart would: offsets and stored
     * messages kept ({@link FakeConnectorContext#restartedAs}); the cleanup of {@code running} carries over.
     */
    default Running<C> restart(Running<C> running) throws Exception {
        running.connector().stop();
        FakeConnectorContext next = running.context().restartedAs(type().config(), validSettings());
        C connector = newConnector();
        connector.start(next);
        return new Running<>(connector, next, running.cleanup());
    }

    @Test
    default void anUnsignedWebhookIsRefused() throws Exception {
        unlessOptedOut(Check.UNSIGNED_REFUSED);
        requireWebhookSamples(Check.UNSIGNED_REFUSED);
        try (Running<C> running = startConnector()) {
            for (WebhookSample sample : webhookSamples()) {
                assertRefused(running, sample.toRequest(instanceId()), "unsigned " + sample);
            }
        }
    }

    @Test
    default void aWebhookSignedWithAnotherSecretIsRefused() throws Exception {
        unlessOptedOut(Check.FORGED_SECRET_REFUSED);
        requireWebhookSamples(Check.FORGED_SECRET_REFUSED);
        try (Running<C> running = startConnector()) {
            for (WebhookSample sample : webhookSamples()) {
                assertRefused(running, sign(sample, forgedSecret(), Instant.now()), sample + " signed with another secret");
            }
        }
    }

    @Test
    default void aWebhookChangedAfterSigningIsRefused() throws Exception {
        unlessOptedOut(Check.ALTERED_BODY_REFUSED);
        requireWebhookSamples(Check.ALTERED_BODY_REFUSED);
        try (Running<C> running = startConnector()) {
            for (WebhookSample sample : webhookSamples()) {
                WebhookRequest signed = sign(sample, webhookSecret(), Instant.now());
                WebhookRequest altered = new WebhookRequest(signed.method(), signed.subPath(), signed.requestUri(),
                        signed.headers(), signed.query(), Tampering.alter(signed.body()), signed.remoteAddress());
                assertRefused(running, altered, sample + " changed after signing");
            }
        }
    }

    @Test
    default void aReplayedWebhookIsRefusedOrStoredOnce() throws Exception {
        unlessOptedOut(Check.REPLAY_REFUSED);
        requireWebhookSamples(Check.REPLAY_REFUSED);
        try (Running<C> running = startConnector()) {
            for (WebhookSample sample : webhookSamples()) {
                if (signatureMaxAge().isPresent()) {
                    Instant old = Instant.now().minus(signatureMaxAge().get()).minus(Duration.ofMinutes(2));
                    assertRefused(running, sign(sample, webhookSecret(), old), sample + " signed at " + old);
                } else {
                    WebhookRequest signed = sign(sample, webhookSecret(), Instant.now());
                    FakeConnectorContext hub = running.context();
                    Inbound original = running.connector().onWebhook(signed).inbound();
                    hub.submit(original);
                    int stored = hub.messages().size();
                    Inbound replay = running.connector().onWebhook(signed).inbound();
                    hub.submit(replay);
                    assertThat(inboundKeys(replay)).as("dedupe ids of the replay of %s", sample)
                            .extracting(InboundKey::dedupeId)
                            .isSubsetOf(inboundKeys(original).stream().map(InboundKey::dedupeId).toList());
                    assertThat(hub.messages()).as("stored messages after %s was replayed", sample).hasSize(stored);
                }
            }
        }
    }

    @Test
    default void sendFailuresAreClassified() throws Exception {
        unlessOptedOut(Check.SEND_ERRORS_CLASSIFIED);
        try (Running<C> running = startConnector()) {
            for (int status : sendFailureStatuses()) {
                failSendsWith(status);
                Throwable thrown = attemptSend(running);
                assertThat(thrown).as("send answered with HTTP %d", status).isInstanceOf(DeliveryException.class);
                assertThat(((DeliveryException) thrown).kind()).as("kind of a send answered with HTTP %d (%s)", status, thrown.getMessage())
                        .isEqualTo(expectedKind(status));
            }
            failSendsWithNetworkError();
            Throwable thrown = attemptSend(running);
            assertThat(thrown).as("send failing on the network").isInstanceOf(DeliveryException.class);
            assertThat(((DeliveryException) thrown).isRetryable()).as("a network failure is retryable").isTrue();
        }
    }

    @Test
    default void logsShowNoSecretsNorCustomerData() throws Exception {
        unlessOptedOut(Check.LOGS_CLEAN);
        Set<String> customer = new LinkedHashSet<>(customerData());
        List<String> thrown = new ArrayList<>();
        String printed;
        try (LogCapture logs = LogCapture.start()) {
            try (Running<C> running = startConnector()) {
                for (int i = 0; i < inboundSampleCount(); i++) {
                    try {
                        customer.addAll(customerDataIn(receive(running, i)));
                    } catch (RuntimeException e) {
                        thrown.add(String.valueOf(e.getMessage()));
                    }
                }
                for (WebhookSample sample : webhookSamples()) {
                    for (WebhookRequest refused : List.of(sample.toRequest(instanceId()),
                            sign(sample, forgedSecret(), Instant.now()))) {
                        Throwable t = catchThrowable(() -> running.connector().onWebhook(refused));
                        if (t != null) {
                            thrown.add(String.valueOf(t.getMessage()));
                        }
                    }
                }
                if (!optOuts().containsKey(Check.SEND_ERRORS_CLASSIFIED)) {
                    for (int status : List.of(400, 401, 429, 500)) {
                        failSendsWith(status);
                        Throwable t = attemptSend(running);
                        if (t != null) {
                            thrown.add(String.valueOf(t.getMessage()));
                        }
                    }
                }
            }
            printed = logs.text();
        }
        String all = printed + "\n" + String.join("\n", thrown);
        for (String secret : secretValues()) {
            assertThat(all).as("logs and error messages must not show a secret").doesNotContain(secret);
        }
        for (String data : customer) {
            if (data != null && data.strip().length() >= 6) {
                assertThat(all).as("logs and error messages must not show customer data").doesNotContain(data.strip());
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** A secret other than the configured one, for forged signatures. */
    default String forgedSecret() {
        return "forged-" + new StringBuilder(webhookSecret()).reverse();
    }

    /**
     * The request is refused: {@code onWebhook} throws {@link WebhookRejectedException}, or answers (as connectors
     * serving a browser API do) with the status and nothing to store; either way with one of
     * {@link #refusalStatuses()}, and nothing submitted to the hub.
     */
    default void assertRefused(Running<C> running, WebhookRequest request, String what) {
        int submittedBefore = running.context().submissions().size();
        WebhookOutcome[] outcome = new WebhookOutcome[1];
        Throwable thrown = catchThrowable(() -> outcome[0] = running.connector().onWebhook(request));
        if (thrown == null) {
            assertThat(outcome[0].response().status()).as("status answering %s", what).isIn(refusalStatuses());
            assertThat(outcome[0].inbound().isEmpty()).as("%s stores nothing", what).isTrue();
        } else {
            assertThat(thrown).as("%s must be refused", what).isInstanceOf(WebhookRejectedException.class);
            assertThat(((WebhookRejectedException) thrown).status()).as("status refusing %s", what)
                    .isIn(refusalStatuses());
        }
        assertThat(running.context().submissions()).as("submitted to the hub for %s", what)
                .hasSize(submittedBefore);
    }

    private void requireInboundSamples(int atLeast, Check check) {
        if (inboundSampleCount() < atLeast) {
            fail("give at least " + atLeast + " inbound samples (webhookSamples() or inboundSampleCount()/receive())"
                    + ", or opt out of " + check + " with the reason");
        }
    }

    private void requireWebhookSamples(Check check) {
        if (webhookSamples().isEmpty()) {
            fail("give webhookSamples() and sign(), or opt out of " + check + " with the reason"
                    + " (e.g. \"no inbound webhooks: replies are polled\")");
        }
    }
}
