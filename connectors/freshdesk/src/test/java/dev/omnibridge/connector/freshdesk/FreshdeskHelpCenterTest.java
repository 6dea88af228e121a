package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.HelpArticle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Freshdesk's knowledge base as a knowledge source. Stubs follow Freshdesk's API v2 reference: Solutions (List all
 * Solution Categories, List all Solution Folders in a Category with {@code visibility} and
 * {@code sub_folders_count}, List Sub-folders, List all Solution Articles in a Folder with {@code status}, {@code
 * description}, {@code description_text}, {@code tags}, {@code updated_at}; the language-coded variants), Settings
 * ({@code primary_language}, {@code supported_languages}), pagination ({@code page}, {@code per_page}, the
 * {@code Link} header naming the next page) and rate limits (429 with Retry-After).
 */
class FreshdeskHelpCenterTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bridge\"}}")));
        connector = new FreshdeskConnector();
        connector.start(Fixture.context(api.baseUrl()));
    }

    private static String article(long id, String title, int status, String text) {
        return "{\"id\":" + id + ",\"type\":1,\"folder_id\":4,\"title\":\"" + title + "\",\"status\":" + status
                + ",\"description\":\"<p>" + text + "</p>\",\"description_text\":\"" + text + "\","
                + "\"tags\":[\"returns\"],\"created_at\":\"2026-10-01T09:00:00Z\",\"updated_at\":\"2026-11-01T09:00:00Z\"}";
    }

    @Test
    void publishedArticlesOfPublicFoldersInEveryLanguageAcrossPages() {
        api.stubFor(get("/api/v2/settings/helpdesk")
                .willReturn(okJson("{\"primary_language\":\"en\",\"supported_languages\":[\"de\"]}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/categories")).willReturn(okJson("[{\"id\":3,\"name\":\"General\"}]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/categories/3/folders")).willReturn(okJson(
                "[{\"id\":4,\"name\":\"Orders\",\"visibility\":1,\"sub_folders_count\":1},"
                        + "{\"id\":5,\"name\":\"Internal\",\"visibility\":3,\"sub_folders_count\":0}]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/folders/4/subfolders")).willReturn(okJson(
                "[{\"id\":6,\"name\":\"Returns\",\"parent_folder_id\":4,\"visibility\":1,\"sub_folders_count\":0}]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/folders/4/articles")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("[" + article(10, "How do I return an order?", 2, "Print the label.") + ","
                        + article(11, "Draft: new policy", 1, "not yet") + "]")
                        .withHeader("Link", "<" + api.baseUrl()
                                + "/api/v2/solutions/folders/4/articles?per_page=100&page=2>; rel=\"next\"")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/folders/4/articles")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson("[{\"id\":12,\"title\":\"Opening hours\",\"status\":2,"
                        + "\"description\":\"<p>Mon&ndash;Fri <b>9-17</b></p>\",\"description_text\":\"\","
                        + "\"tags\":[],\"updated_at\":\"2026-11-02T09:00:00Z\"}]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/folders/4/articles/de")).willReturn(okJson(
                "[" + article(10, "Wie sende ich eine Bestellung zurück?", 2, "Etikett drucken.") + "]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/folders/6/articles"))
                .willReturn(okJson("[" + article(13, "Refund times", 2, "Five days.") + "]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/solutions/folders/6/articles/de")).willReturn(aResponse().withStatus(404)));

        List<HelpArticle> articles = connector.articles();

        assertThat(articles).extracting(a -> a.id() + "/" + a.locale()).containsExactly("10/en", "12/en", "10/de", "13/en");
        HelpArticle returns = articles.get(0);
        assertThat(returns.title()).isEqualTo("How do I return an order?");
        assertThat(returns.body()).isEqualTo("Print the label.");
        assertThat(returns.labels()).containsExactly("returns");
        assertThat(returns.url()).isEqualTo(api.baseUrl() + "/support/solutions/articles/10");
        assertThat(returns.updatedAt()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
        assertThat(articles.get(1).body()).as("HTML body when description_text is empty").isEqualTo("Mon–Fri 9-17");
        assertThat(articles.get(2).title()).isEqualTo("Wie sende ich eine Bestellung zurück?");
        api.verify(0, getRequestedFor(urlPathMatching("/api/v2/solutions/folders/5/.*")));
    }

    @Test
    void aRateLimitIsRetryableAfterItsRetryAfter() {
        api.stubFor(get("/api/v2/settings/helpdesk").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "9")));

        DeliveryException e = catchThrowableOfType(connector::articles, DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(9));
    }

    @Test
    void aRefusedKeyIsPermanentAndNotInTheError() {
        api.stubFor(get("/api/v2/settings/helpdesk").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"invalid_credentials\",\"message\":\"You have to be logged in to perform this action.\"}")));

        DeliveryException e = catchThrowableOfType(connector::articles, DeliveryException.class);

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("401").doesNotContain(Fixture.API_KEY);
    }
}
