package dev.omnibridge.net;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guard against two JDK HTTP servers on loopback: "vendor" is trusted for the test, "inside" is not. */
class SafeFetcherTest {
    /** One request as a server saw it: path and Authorization header (or null). */
    record Seen(String path, String authorization) {
    }

    private HttpServer vendor;
    private HttpServer inside;
    private final List<Seen> vendorSaw = new CopyOnWriteArrayList<>();
    private final List<Seen> insideSaw = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServers() throws Exception {
        vendor = server(vendorSaw);
        inside = server(insideSaw);
    }

    @AfterEach
    void stopServers() {
        vendor.stop(0);
        inside.stop(0);
    }

    /** Answers /file with "bytes", /to?u=<url> with a 302 to that URL, anything else 404. */
    private static HttpServer server(List<Seen> log) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            log.add(new Seen(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization")));
            String query = exchange.getRequestURI().getRawQuery();
            if (exchange.getRequestURI().getPath().startsWith("/to") && query != null) {
                exchange.getResponseHeaders().add("Location",
                        java.net.URLDecoder.decode(query.substring(2), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(302, -1);
            } else if (exchange.getRequestURI().getPath().startsWith("/file")) {
                byte[] body = "bytes".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        s.start();
        return s;
    }

    private static String authority(HttpServer s) {
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private static URI url(HttpServer s, String path) {
        return URI.create("http://" + authority(s) + path);
    }

    private static String redirectTo(URI target) {
        return "/to?u=" + java.net.URLEncoder.encode(target.toString(), StandardCharsets.UTF_8);
    }

    private SafeFetcher.Builder trustingVendor() {
        return SafeFetcher.builder().timeout(Duration.ofSeconds(5)).trustedForTests(Set.of(authority(vendor)));
    }

    private static String body(HttpResponse<InputStream> res) throws Exception {
        try (InputStream in = res.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLoopbackUrlIsRefusedBeforeAnyConnection() {
        SafeFetcher fetcher = SafeFetcher.builder().allowPlainHttp(true).build();

        assertThatThrownBy(() -> fetcher.get(url(inside, "/file")))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> fetcher.get(URI.create("http://[::1]:" + inside.getAddress().getPort() + "/file")))
                .isInstanceOf(RefusedUrlException.class);
        assertThat(insideSaw).isEmpty();
    }

    @Test
    void aNameThatResolvesToTheMetadataAddressIsRefused() {
        SafeFetcher fetcher = SafeFetcher.builder().resolver(host -> new InetAddress[]{
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")}).build();

        assertThatThrownBy(() -> fetcher.get(URI.create("https://files.example.com/a.png")))
                .isInstanceOf(RefusedUrlException.class)
                .hasMessageContaining("files.example.com").hasMessageContaining("link-local");
    }

    @Test
    void ipv4MappedIpv6AndTheUnspecifiedAddressAreRefused() {
        SafeFetcher fetcher = SafeFetcher.builder().build();

        for (String url : List.of("https://[::ffff:127.0.0.1]/x", "https://[::ffff:a9fe:a9fe]/x", "https://0.0.0.0/x",
                "https://[::]/x", "https://[fd00::1]/x", "https://10.0.0.1/x")) {
            assertThatThrownBy(() -> fetcher.get(URI.create(url))).as(url).isInstanceOf(RefusedUrlException.class);
        }
    }

    @Test
    void plainHttpIsRefusedUnlessAllowedOrTrustedForTests() throws Exception {
        SafeFetcher strict = SafeFetcher.builder().allowPrivateAddresses(true).build();
        assertThatThrownBy(() -> strict.get(url(vendor, "/file")))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("only https");

        assertThat(body(trustingVendor().build().get(url(vendor, "/file")))).isEqualTo("bytes");
        assertThat(vendorSaw).hasSize(1);
    }

    @Test
    void aRedirectToAnAddressThatIsNotPublicIsRefusedAndNeverContacted() {
        SafeFetcher fetcher = trustingVendor().allowPlainHttp(true).build();

        assertThatThrownBy(() -> fetcher.get(url(vendor, redirectTo(url(inside, "/file")))))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("redirect refused")
                .hasMessageContaining("loopback");
        assertThat(vendorSaw).hasSize(1);
        assertThat(insideSaw).isEmpty();
    }

    @Test
    void aRedirectToTheMetadataServiceIsRefused() {
        SafeFetcher fetcher = trustingVendor().allowPlainHttp(true).build();

        assertThatThrownBy(() -> fetcher.get(url(vendor, redirectTo(URI.create("http://169.254.169.254/latest/meta-data/")))))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("link-local");
    }

    @Test
    void aRedirectFromHttpsToPlainHttpIsADowngradeAndRefusedEvenWhenHttpIsAllowed() throws Exception {
        SafeFetcher fetcher = SafeFetcher.builder().allowPlainHttp(true).build();
        java.lang.reflect.Method check = SafeFetcher.class.getDeclaredMethod("checkScheme", URI.class, URI.class);
        check.setAccessible(true);

        check.invoke(fetcher, URI.create("http://files.example.com/a"), null);
        assertThatThrownBy(() -> {
            try {
                check.invoke(fetcher, URI.create("http://files.example.com/a"), URI.create("https://api.example.com/m"));
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }).isInstanceOf(RefusedUrlException.class).hasMessageContaining("from https to plain http");
    }

    @Test
    void credentialsGoOnlyToTheirOriginAndNeverFollowARedirectToAnotherOne() throws Exception {
        SafeFetcher fetcher = SafeFetcher.builder().timeout(Duration.ofSeconds(5))
                .trustedForTests(Set.of(authority(vendor), authority(inside))).build();
        URI vendorFile = url(vendor, "/file");
        Credentials creds = Credentials.authorization("Bearer s3cret", CredentialScope.origin(url(vendor, "/")));

        assertThat(body(fetcher.get(vendorFile, creds, Map.of()))).isEqualTo("bytes");
        assertThat(body(fetcher.get(url(vendor, redirectTo(url(inside, "/file"))), creds, Map.of())))
                .isEqualTo("bytes");
        assertThat(body(fetcher.get(url(vendor, redirectTo(vendorFile)), creds, Map.of()))).isEqualTo("bytes");

        assertThat(vendorSaw).extracting(Seen::authorization).containsOnly("Bearer s3cret");
        assertThat(insideSaw).singleElement().extracting(Seen::authorization).isNull();
    }

    @Test
    void credentialsForOneOriginAreRefusedForAnotherPortOrSchemeOfTheSameHost() {
        SafeFetcher fetcher = SafeFetcher.builder().timeout(Duration.ofSeconds(5))
                .trustedForTests(Set.of(authority(vendor), authority(inside))).build();
        Credentials creds = Credentials.authorization("Bearer s3cret", CredentialScope.origin(url(vendor, "/")));

        assertThatThrownBy(() -> fetcher.get(url(inside, "/file"), creds, Map.of()))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("credentials may not be sent")
                .hasMessageNotContaining("s3cret");
        assertThat(CredentialScope.origin(URI.create("https://graph.facebook.com"))
                .covers(URI.create("http://graph.facebook.com/x"))).isFalse();
        assertThat(CredentialScope.origin(URI.create("https://graph.facebook.com"))
                .covers(URI.create("https://graph.facebook.com:443/x"))).isTrue();
        assertThat(insideSaw).isEmpty();
    }

    @Test
    void domainScopesTakeHttpsOnPort443UnderTheDomainOnly() {
        CredentialScope meta = CredentialScope.httpsDomains(List.of("fbsbx.com", ".whatsapp.net"));

        assertThat(meta.covers(URI.create("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"))).isTrue();
        assertThat(meta.covers(URI.create("https://mmg.whatsapp.net/x"))).isTrue();
        assertThat(meta.covers(URI.create("http://lookaside.fbsbx.com/x"))).isFalse();
        assertThat(meta.covers(URI.create("https://lookaside.fbsbx.com:8443/x"))).isFalse();
        assertThat(meta.covers(URI.create("https://evilfbsbx.com/x"))).isFalse();
        assertThat(meta.covers(URI.create("https://fbsbx.com.evil.example/x"))).isFalse();
    }

    @Test
    void tooManyRedirectsAreRefused() {
        SafeFetcher fetcher = trustingVendor().maxRedirects(1).build();
        URI twice = url(vendor, redirectTo(url(vendor, redirectTo(url(vendor, "/file")))));

        assertThatThrownBy(() -> fetcher.get(twice)).isInstanceOf(RefusedUrlException.class)
                .hasMessageContaining("more than 1 redirects");
    }

    @Test
    void userInfoAndOtherSchemesAreRefused() {
        SafeFetcher fetcher = SafeFetcher.builder().allowPlainHttp(true).allowPrivateAddresses(true).build();

        for (String url : List.of("https://user:pw@files.example.com/x", "file:///etc/passwd", "ftp://example.com/x",
                "/relative")) {
            assertThatThrownBy(() -> fetcher.get(URI.create(url))).as(url).isInstanceOf(RefusedUrlException.class);
        }
    }

    @Test
    void allowingPrivateAddressesLiftsOnlyTheAddressRule() throws Exception {
        SafeFetcher fetcher = SafeFetcher.builder().allowPlainHttp(true).allowPrivateAddresses(true).build();

        assertThat(body(fetcher.get(url(inside, "/file")))).isEqualTo("bytes");
        assertThatThrownBy(() -> fetcher.get(url(inside, "/file"),
                Credentials.authorization("Basic x", CredentialScope.origin(url(vendor, "/"))), Map.of()))
                .isInstanceOf(RefusedUrlException.class);
    }

    @Test
    void theConfiguredOriginIsExemptButOnlyThatExactOrigin() throws Exception {
        SafeFetcher fetcher = SafeFetcher.builder().configuredOrigin(url(vendor, "/")).build();

        assertThat(body(fetcher.get(url(vendor, "/file")))).isEqualTo("bytes");
        assertThatThrownBy(() -> fetcher.get(url(inside, "/file"))).isInstanceOf(RefusedUrlException.class);
        assertThatThrownBy(() -> fetcher.get(URI.create("https://127.0.0.1:" + vendor.getAddress().getPort() + "/file")))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> fetcher.get(url(vendor, redirectTo(url(inside, "/file")))))
                .isInstanceOf(RefusedUrlException.class).hasMessageContaining("redirect refused");
        assertThat(insideSaw).isEmpty();
    }
}
