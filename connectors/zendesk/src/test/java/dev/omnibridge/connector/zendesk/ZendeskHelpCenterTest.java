package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.HelpArticle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Zendesk help center as a knowledge source. Stubs follow Zendesk's Help Center API reference: List Articles
 * ({@code GET /api/v2/help_center/{locale}/articles}, fields id, title, body (HTML), locale, draft, html_url,
 * label_names, user_segment_id, updated_at), the help center's enabled locales ({@code GET
 * /api/v2/help_center/locales}: locales, default_locale), cursor pagination ({@code page[size]}, {@code meta.has_more},
 * {@code links.next}) and rate limits (429 with Retry-After).
 */
class ZendeskHelpCenterTest {
    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ZendeskConnector started(Map<String, Object> extra) throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        Map<String, Object> settings = Fixture.settings(zd.baseUrl());
        settings.putAll(extra);
        ZendeskConnector connector = new ZendeskConnector();
        connector.start(Fixture.context(settings));
        return connector;
    }

    private static String article(long id, String locale, String title, String body, String more) {
        return "{\"id\":" + id + ",\"locale\":\"" + locale + "\",\"title\":\"" + title + "\",\"body\":\"" + body
                + "\",\"html_url\":\"https://acme.zendesk.com/hc/" + locale + "/articles/" + id + "\","
                + "\"draft\":false,\"user_segment_id\":null,\"label_names\":[],"
                + "\"updated_at\":\"2026-11-02T08:00:00Z\"" + more + "}";
    }

    @Test
    void everyPublicPublishedArticleOfEveryLocaleAcrossCursorPagesAsPlainText() throws Exception {
        ZendeskConnector connector = started(Map.of());
        zd.stubFor(get("/api/v2/help_center/locales")
                .willReturn(okJson("{\"locales\":[\"en-us\",\"de\"],\"default_locale\":\"en-us\"}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/help_center/en-us/articles")).withQueryParam("page[size]", equalTo("100"))
                .willReturn(okJson("{\"articles\":["
                        + article(1, "en-us", "How do I return an order?",
                                "<p>Returns are free &amp; easy.</p><ul><li>Print the label</li><li>Drop it off</li></ul>",
                                ",\"label_names\":[\"returns\",\"shipping\"]")
                        + "," + article(2, "en-us", "Unfinished draft", "<p>draft</p>", ",\"draft\":true")
                        // Zendesk links with the account's own subdomain; the instance may use a host-mapped baseUrl
                        + "],\"meta\":{\"has_more\":true,\"after_cursor\":\"c1\"},\"links\":{\"next\":"
                        + "\"https://acme.zendesk.com/api/v2/help_center/en-us/articles?page[size]=100&page[after]=c1\"}}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/help_center/en-us/articles")).withQueryParam("page[after]", equalTo("c1"))
                .willReturn(okJson("{\"articles\":["
                        + article(3, "en-us", "Agents only: refunds over 500", "<p>internal</p>", ",\"user_segment_id\":7")
                        + "," + article(4, "en-us", "Opening hours", "<p>Mon&ndash;Fri 9&#8211;17</p>", "")
                        + "],\"meta\":{\"has_more\":false},\"links\":{\"next\":null}}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/help_center/de/articles")).willReturn(okJson("{\"articles\":["
                + article(1, "de", "Wie sende ich eine Bestellung zurück?", "<p>R&uuml;cksendungen sind kostenlos.</p>", "")
                + "," + article(4, "en-us", "Opening hours", "<p>no German translation: listed in English</p>", "")
                + "],\"meta\":{\"has_more\":false},\"links\":{\"next\":null}}")));

        List<HelpArticle> articles = connector.articles();

        assertThat(articles).extracting(a -> a.id() + "/" + a.locale()).containsExactly("1/en-us", "4/en-us", "1/de");
        HelpArticle returns = articles.get(0);
        assertThat(returns.title()).isEqualTo("How do I return an order?");
        assertThat(returns.body()).isEqualTo("Returns are free & easy.\n- Print the label\n- Drop it off");
        assertThat(returns.url()).isEqualTo("https://acme.zendesk.com/hc/en-us/articles/1");
        assertThat(returns.labels()).containsExactly("returns", "shipping");
        assertThat(returns.updatedAt()).isEqualTo(Instant.parse("2026-11-02T08:00:00Z"));
        assertThat(articles.get(1).body()).isEqualTo("Mon–Fri 9–17");
        assertThat(articles.get(2).body()).isEqualTo("Rücksendungen sind kostenlos.");
    }

    @Test
    void configuredLocalesAreReadWithoutAskingForTheHelpCentersOwn() throws Exception {
        ZendeskConnector connector = started(Map.of("helpCenterLocales", List.of("de")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/help_center/de/articles")).willReturn(okJson("{\"articles\":["
                + article(9, "de", "Öffnungszeiten", "Mo-Fr", "") + "],\"meta\":{\"has_more\":false}}")));

        assertThat(connector.articles()).extracting(HelpArticle::id).containsExactly("9");
        zd.verify(0, getRequestedFor(urlPathEqualTo("/api/v2/help_center/locales")));
    }

    @Test
    void aRateLimitIsRetryableAfterItsRetryAfter() throws Exception {
        ZendeskConnector connector = started(Map.of());
        zd.stubFor(get("/api/v2/help_center/locales")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));

        DeliveryException e = catchThrowableOfType(connector::articles, DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void refusedCredentialsArePermanentAndTheErrorHoldsNoToken() throws Exception {
        ZendeskConnector connector = started(Map.of());
        zd.stubFor(get("/api/v2/help_center/locales").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"Couldn't authenticate you\"}")));

        DeliveryException e = catchThrowableOfType(connector::articles, DeliveryException.class);

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("401").doesNotContain(Fixture.TOKEN);
    }
}
