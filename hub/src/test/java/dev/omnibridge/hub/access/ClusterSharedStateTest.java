package dev.omnibridge.hub.access;

import dev.omnibridge.config.Secret;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.cluster.ClusterConfig;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.files.FileLinkKey;
import dev.omnibridge.hub.files.SignedFileLinks;
import dev.omnibridge.hub.store.AttachmentBlobs;
import dev.omnibridge.hub.store.AttachmentCipher;
import dev.omnibridge.hub.store.ClusterSecrets;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.FileAttachmentStore;
import dev.omnibridge.hub.store.PostgresDatabases;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.model.Attachment;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 25: what one node kept for itself is shared by the nodes of a cluster on one PostgreSQL database: a single
 * sign-on started on node A completes on node B (the provider's callback lands wherever the load balancer sends
 * it), an attachment stored by A is served by B, and a file link signed on A opens on B (one key in the store;
 * the first node's own key, so links given out before the cluster stay valid).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSharedStateTest {
    private static final String TOKEN = "cluster-shared-admin-token";
    private static final String STORE_KEY = "cluster-shared-store-key-1";
    private static final String CLIENT_ID = "omnibridge-console";
    @TempDir
    static Path dir;
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private final LocalHub nodeA = new LocalHub(TOKEN);
    private final LocalHub nodeB = new LocalHub(TOKEN);
    private final HttpClient http = HttpClient.newHttpClient();
    private String url;
    private Hub hubA;
    private Hub hubB;
    /** The store as a third party sees it (node A's attachment store, the secrets table). */
    private Database store;

    @BeforeAll
    void startTwoNodes() throws Exception {
        url = PostgresDatabases.newDatabaseUrl("cluster_shared");
        idp.start();
        OidcConfig oidc = new OidcConfig(idp.issuerUrl("default").toString(), CLIENT_ID,
                new Secret("cluster-shared-client-secret"), List.of("openid", "email", "profile"), "groups",
                Map.of("support-agents", Principal.Role.AGENT), null, "Test SSO", Set.of("RS256"),
                Duration.ofSeconds(60));
        // One public address for both nodes (the load balancer's): the provider sends the browser back there.
        URI publicUrl = URI.create(nodeA.base());
        var executor = Executors.newFixedThreadPool(2);
        try {
            Future<Hub> a = executor.submit(() -> start(nodeA, "node-a", publicUrl, oidc));
            Future<Hub> b = executor.submit(() -> start(nodeB, "node-b", publicUrl, oidc));
            hubA = a.get();
            hubB = b.get();
        } finally {
            executor.shutdown();
        }
        store = Database.open(new HubConfig.Store(url, "postgres", ""), dir.resolve("tool"), 2);
    }

    private Hub start(LocalHub local, String nodeId, URI publicUrl, OidcConfig oidc) throws Exception {
        HubConfig c = local.config(dir.resolve(nodeId), LocalHub.QUICK_DELIVERY, List.of(), List.of());
        HubConfig.Store store = new HubConfig.Store(url, "postgres", "").withEncryptionKey(STORE_KEY);
        HubConfig config = new HubConfig(c.http(), publicUrl, c.dataDir(), c.pluginsDir(), c.adminToken(), store,
                c.delivery(), c.instances(), c.routes(), c.calendars(), c.acknowledgements(), c.firstResponse(),
                c.triage(), c.identity(), c.privacy(), c.knowledge(), c.selfService(), c.surveys(),
                AccessConfig.standard().withOidc(oidc),
                new ClusterConfig(true, nodeId, Duration.ofSeconds(3), 8, URI.create(local.base())));
        // The real clock: the provider stamps its tokens with the time of day.
        return Hub.start(config, List.of(), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (store != null) {
            store.close();
        }
        for (Hub h : new Hub[] {hubA, hubB}) {
            if (h != null) {
                h.close();
            }
        }
        idp.shutdown();
    }

    @Test
    void eitherNodesApiListsBothNodesAliveAndItsHealthSaysWhichNodeItIs() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        var nodes = json(nodeB.send(nodeB.withToken(nodeB.get("/api/cluster")))).path("nodes");
        while (nodes.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            nodes = json(nodeB.send(nodeB.withToken(nodeB.get("/api/cluster")))).path("nodes");
        }
        assertThat(nodes.findValuesAsText("nodeId")).containsExactlyInAnyOrder("node-a", "node-b");
        nodes.forEach(n -> assertThat(n.path("alive").asBoolean()).as("%s alive", n.path("nodeId")).isTrue());
        var health = json(nodeA.send(nodeA.get("/health"))).path("cluster");
        assertThat(health.path("nodeId").asText()).isEqualTo("node-a");
        assertThat(health.path("enabled").asBoolean()).isTrue();
        assertThat(health.path("leasesHeld").isNumber()).isTrue();
    }

    @Test
    void aSignInStartedOnOneNodeCompletesOnTheOther() {
        HttpResponse<String> start = get(nodeA.base() + "/console/login/oidc", null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        String setCookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        String browser = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> atProvider = get(start.headers().firstValue("Location").orElseThrow(), null);
        String callback = atProvider.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(nodeA.base() + "/console/login/oidc/callback?");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("email", "ana@example.com");
        claims.put("name", "Ana Agent");
        claims.put("groups", List.of("support-agents"));
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "ana-sub", "JWT", null, claims, 3600L));

        // The load balancer sends the callback to node B.
        HttpResponse<String> done = get(callback.replace(nodeA.base(), nodeB.base()), browser);

        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location")).hasValue("/console/");
        String session = done.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(Sessions.COOKIE + "=")).map(c -> c.substring(0, c.indexOf(';')))
                .findFirst().orElseThrow();
        var me = json(nodeB.send(nodeB.get("/api/me").header("Cookie", session)));
        assertThat(me.path("role").asText()).isEqualTo("agent");
        // Used once, on any node: the same callback again is refused on A as well.
        HttpResponse<String> replay = get(callback, browser);
        assertThat(replay.headers().firstValue("Location")).hasValue("/console/?sso_error=state_invalid");
    }

    @Test
    void anAttachmentStoredByOneNodeIsServedByTheOtherAndRetentionDeletesItForBoth() throws Exception {
        byte[] content = "the bytes of a customer's photo".getBytes(StandardCharsets.UTF_8);
        // Node A's attachment store: the same table, the same store key.
        AttachmentBlobs blobs = new AttachmentBlobs(store, dir.resolve("a-spool"), AttachmentCipher.of(STORE_KEY),
                Clock.systemUTC());
        Attachment stored = blobs.store("photo.jpg", "image/jpeg", new ByteArrayInputStream(content), 1 << 20);
        assertThat(stored.location()).isEqualTo(URI.create("attachment:" + stored.sha256()));

        HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(
                URI.create(nodeB.base() + "/api/attachments/" + stored.sha256()))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(content);
        try (var c = store.connection(); var rows = c.createStatement().executeQuery(
                "SELECT content FROM attachment_blobs WHERE sha256 = '" + stored.sha256() + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(new String(rows.getBytes(1), StandardCharsets.ISO_8859_1))
                    .as("encrypted at rest").startsWith("OBAE1\n").doesNotContain("customer");
        }

        assertThat(blobs.deleteIfWrittenBefore(stored.sha256(), Instant.now().minusSeconds(60)))
                .as("stored again meanwhile: kept").isFalse();
        assertThat(blobs.deleteIfWrittenBefore(stored.sha256(), Instant.now().plusSeconds(1))).isTrue();
        assertThatThrownBy(() -> blobs.open(stored)).isInstanceOf(NoSuchFileException.class);
        var gone = nodeB.send(nodeB.withToken(nodeB.get("/api/attachments/" + stored.sha256())));
        assertThat(gone.statusCode()).isEqualTo(404);
    }

    @Test
    void attachmentFilesOfANodeFromBeforeTheClusterAreCopiedIntoTheStoreOnceAndServedByAnyNode() throws Exception {
        Path oldFiles = dir.resolve("old-node-attachments");
        byte[] content = "a mail's original, stored before the cluster".getBytes(StandardCharsets.UTF_8);
        Attachment old = new FileAttachmentStore(oldFiles, AttachmentCipher.of(STORE_KEY))
                .store("original.eml", "message/rfc822", new ByteArrayInputStream(content), 1 << 20);
        AttachmentBlobs blobs = new AttachmentBlobs(store, dir.resolve("import-spool"),
                AttachmentCipher.of(STORE_KEY), Clock.systemUTC());

        assertThat(blobs.importFiles(oldFiles)).isEqualTo(1);
        assertThat(blobs.importFiles(oldFiles)).as("once").isZero();

        assertThat(oldFiles.resolve(AttachmentBlobs.IMPORTED_MARKER)).exists();
        var served = http.send(HttpRequest.newBuilder(URI.create(nodeB.base() + "/api/attachments/" + old.sha256()))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(content);
    }

    @Test
    void aFileLinkSignedOnOneNodeOpensOnTheOtherAndTheFirstNodesOwnKeyIsKept() throws Exception {
        try (var c = store.connection()) {
            // The two nodes above made the shared key already; start over as an upgrade to a cluster would.
            c.createStatement().executeUpdate("DELETE FROM cluster_secrets");
        }
        ClusterSecrets secrets = new ClusterSecrets(store);
        Path dataA = Files.createDirectories(dir.resolve("links-a"));
        Path dataB = Files.createDirectories(dir.resolve("links-b"));
        byte[] ownKeyOfA = FileLinkKey.loadOrCreate(dataA);
        byte[] ownKeyOfB = FileLinkKey.loadOrCreate(dataB);

        byte[] keyA = FileLinkKey.shared(dataA, secrets);
        byte[] keyB = FileLinkKey.shared(dataB, secrets);

        assertThat(keyA).isEqualTo(ownKeyOfA).isEqualTo(keyB).isNotEqualTo(ownKeyOfB);
        Clock clock = Clock.systemUTC();
        URI publicUrl = URI.create("https://hub.example.com");
        String sha = "ab".repeat(32);
        String link = new SignedFileLinks(ownKeyOfA, publicUrl, Duration.ofDays(1), clock)
                .linkFor(new Attachment("f.pdf", "application/pdf", 3, sha, URI.create("attachment:" + sha)))
                .orElseThrow();
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            q.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        assertThat(new SignedFileLinks(keyB, publicUrl, Duration.ofDays(1), clock)
                .valid(sha, q.get("exp"), q.get("sig"))).as("a link A gave out before, checked on B").isTrue();
    }

    private HttpResponse<String> get(String target, String cookie) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(target)).GET();
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
