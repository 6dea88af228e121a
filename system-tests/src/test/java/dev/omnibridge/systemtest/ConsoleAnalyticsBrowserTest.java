package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.ConsoleBrowserTestBase;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's Analytics and Knowledge views in headless Chromium against the packaged hub. Real traffic is seeded
 * first: customer messages on two webhook channels ({@value #WEB}, {@value #SMS}), replies and a resolution from the
 * console inbox, and one conversation left unanswered past its first-response target. Each check fetches the
 * analytics API's JSON for the very query the page made (the figure's {@code data-query}) and compares it with what
 * the page shows, so the page is held to the API and the API's own tests hold the figures to the journal. The
 * Knowledge view runs against a two-entry knowledge file and the real search.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAnalyticsBrowserTest extends ConsoleBrowserTestBase {
    private static final String SMS = "sms";
    private static final String INBOX = "inbox";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static final List<String> CHARTS = List.of("volumes", "response-times", "csat", "automation", "sla",
            "backlog");

    private final String run = unique("analytics");
    private final List<String> texts = new ArrayList<>();

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .channel(SMS, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(INBOX, "console-inbox", Map.of())
                .route(WEB, DESK, INBOX)
                .route(SMS, DESK, INBOX)
                // Short, so that the conversation nobody answers breaches while the test runs.
                .firstResponse("normal", "2s").firstResponse("warnAt", 0)
                .section("knowledge", "  files: [" + knowledgeFile() + "]\n");
    }

    /** Two entries, one in two languages; written next to the test's build output (the hub reads it at start). */
    private static String knowledgeFile() {
        try {
            Path file = Files.createDirectories(Path.of("target", "system-test-work")).resolve("console-faq.yaml")
                    .toAbsolutePath();
            Files.writeString(file, """
                    entries:
                      - id: opening-hours
                        tags: [store]
                        link: https://shop.example/hours
                        en:
                          title: Opening hours
                          questions:
                            - When are you open?
                            - What are your opening hours?
                          answer: We are open Monday to Friday, 9:00 to 18:00.
                        de:
                          questions:
                            - Wann haben Sie geöffnet?
                          answer: Wir haben Montag bis Freitag von 9 bis 18 Uhr geöffnet.
                      - id: returns
                        en:
                          title: Returning an item
                          questions:
                            - How do I return an item?
                          answer: Send it back within 30 days with the return label.
                    """);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void analyticsPageShowsTheApisFiguresForTheSeededTraffic() {
        seedTraffic();
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#analytics");
        JsonNode volumes = awaitPageMatchesApi();
        assertThat(volumes.path("totals").path("inbound").asInt()).as("the seeded customer messages").isGreaterThanOrEqualTo(6);
        assertThat(volumes.path("totals").path("outbound").asInt()).as("the two inbox replies").isGreaterThanOrEqualTo(2);
        assertThat(text(By.id("volumes-inbound"))).isEqualTo(volumes.path("totals").path("inbound").asText());
        assertThat(browser.findAll(By.cssSelector("#chart-volumes svg polyline[data-series='web in']"))).hasSize(1);

        JsonNode times = api("response-times");
        JsonNode web = row(times.path("firstResponse"), WEB);
        assertThat(web.path("count").asInt()).as("two web conversations answered from the inbox").isGreaterThanOrEqualTo(2);
        assertThat(row(times.path("resolution"), WEB).path("count").asInt()).as("one resolved").isGreaterThanOrEqualTo(1);
        assertThat(cell("response-times", WEB, "medianSeconds")).isEqualTo(durationText(web.path("medianSeconds")));
        assertThat(text(By.id("chart-response-times-summary")))
                .contains("web: first response median " + durationText(web.path("medianSeconds")));
        assertThat(text(By.id("sla-breached"))).isEqualTo(api("sla").path("total").path("breached").asText());
        assertThat(api("sla").path("total").path("breached").asInt()).as("the unanswered conversation")
                .isGreaterThanOrEqualTo(1);
        assertThat(text(By.id("backlog-open"))).isEqualTo(api("backlog").path("open").asText());
        for (String chart : CHARTS) {
            WebElement image = browser.find(By.cssSelector("#chart-" + chart + " figcaption"));
            assertThat(image.getText()).isNotBlank();
        }
        // The chart is an image for assistive technology, described by its summary in words.
        WebElement chart = browser.find(By.cssSelector("#chart-volumes svg"));
        assertThat(chart.getAttribute("role")).isEqualTo("img");
        assertThat(chart.getAttribute("aria-describedby")).isEqualTo("chart-volumes-summary");
    }

    @Test
    @Order(2)
    void filtersChangeTheFiguresAndTheUrlKeepsThem() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#analytics");
        JsonNode all = awaitPageMatchesApi();
        new Select(browser.find(By.id("analytics-channel"))).selectByValue(SMS);
        browser.until("the channel filter is in the URL", d -> d.getCurrentUrl().contains("channel=sms") ? true : null);
        browser.until("the volumes are asked for sms only", d -> query("volumes").contains("channel=sms") ? true : null);
        JsonNode sms = awaitPageMatchesApi();
        assertThat(sms.path("totals").path("inbound").asInt()).as("the two sms messages").isEqualTo(2)
                .isLessThan(all.path("totals").path("inbound").asInt());

        new Select(browser.find(By.id("analytics-channel"))).selectByValue("");
        new Select(browser.find(By.id("analytics-by"))).selectByValue("desk");
        browser.until("response times per desk", d -> query("response-times").contains("by=desk") ? true : null);
        awaitPageMatchesApi();
        assertThat(text(By.id("chart-response-times-title"))).contains("per desk");

        new Select(browser.find(By.id("analytics-range"))).selectByValue("7d");
        browser.until("seven days, per day", d -> query("volumes").contains("bucket=day") ? true : null);
        JsonNode week = awaitPageMatchesApi();
        assertThat(week.path("totals").path("inbound").asInt()).isEqualTo(all.path("totals").path("inbound").asInt());

        // A custom range a month back holds none of the traffic.
        new Select(browser.find(By.id("analytics-range"))).selectByValue("custom");
        assertThat(browser.find(By.id("analytics-from")).isDisplayed()).isTrue();
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("analytics-from");
        Instant from = Instant.now().minus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        setLocal("analytics-from", from);
        setLocal("analytics-to", from.plus(1, ChronoUnit.DAYS));
        browser.find(By.id("analytics-apply")).sendKeys(Keys.ENTER);
        browser.until("the custom range is asked for", d -> URLDecoder.decode(query("volumes"), StandardCharsets.UTF_8)
                .contains("from=" + iso(from)) ? true : null);
        JsonNode old = awaitPageMatchesApi();
        assertThat(old.path("totals").path("inbound").asInt()).isZero();
        assertThat(browser.driver().getCurrentUrl()).contains("range=custom");

        // The filters live in the URL: reopening it shows the same figures.
        String url = browser.driver().getCurrentUrl();
        browser.open("about:blank");
        browser.open(url);
        browser.until("the reopened page asks for the custom range", d -> URLDecoder.decode(query("volumes"),
                StandardCharsets.UTF_8).contains("from=" + iso(from)) ? true : null);
        assertThat(new Select(browser.find(By.id("analytics-range"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("custom");
        assertThat(new Select(browser.find(By.id("analytics-by"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("desk");
    }

    @Test
    @Order(3)
    void csvLinkDownloadsTheSameQueryAsCsv() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#analytics");
        awaitPageMatchesApi();
        WebElement link = browser.find(By.id("csv-volumes"));
        assertThat(link.getAttribute("href")).isEqualTo(hub.baseUrl() + query("volumes") + "&format=csv");
        Object answer = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done(r.status + '\\n'"
                        + " + r.headers.get('content-type') + '\\n' + await r.text()))"
                        + ".catch(e => done('failed ' + e));", link.getAttribute("href"));
        String[] lines = String.valueOf(answer).split("\n");
        assertThat(lines[0]).as("status, with the console's session cookie").isEqualTo("200");
        assertThat(lines[1]).startsWith("text/csv");
        assertThat(lines.length).as("a header row and the data").isGreaterThanOrEqualTo(4);
        assertThat(String.join("\n", lines)).contains(WEB, SMS);
    }

    @Test
    @Order(4)
    void keyboardReachesTheFiltersTheTablesAndTheCsvLinks() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#instances");
        browser.find(By.id("instances-table"));
        WebElement nav = browser.find(By.cssSelector("header nav a[data-view='analytics']"));
        browser.script("arguments[0].focus()", nav);
        active().sendKeys(Keys.ENTER);
        browser.until("the view's heading has the focus", d -> "analytics-title".equals(activeId()) ? true : null);
        awaitPageMatchesApi();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            active().sendKeys(Keys.TAB);
            order.add(activeId().isEmpty() ? browser.script("return document.activeElement.tagName").toString()
                    .toLowerCase() : activeId());
        }
        assertThat(order).startsWith("analytics-range", "analytics-channel", "analytics-desk", "analytics-by",
                "analytics-apply");
        // Into the first chart: its table's disclosure (Enter opens it), then its CSV link.
        assertThat(order.get(5)).isEqualTo("summary");
        active().sendKeys(Keys.ENTER);
        assertThat(browser.find(By.id("table-volumes-data")).isDisplayed()).as("Enter opens the table").isTrue();
        active().sendKeys(Keys.TAB);
        assertThat(activeId()).isEqualTo("csv-volumes");

        // Arrow keys on the range apply it at once (a change event), and the focus stays on the control.
        browser.script("document.getElementById('analytics-range').focus()");
        active().sendKeys(Keys.ARROW_DOWN);
        browser.until("the next range applies", d -> query("volumes").contains("bucket=day") ? true : null);
        assertThat(activeId()).isEqualTo("analytics-range");
    }

    @Test
    @Order(5)
    void phoneSizedWindowShowsTheChartsWithoutSidewaysScrolling() {
        browser.logIn(hub.baseUrl());
        Dimension before = browser.driver().manage().window().getSize();
        try {
            browser.driver().manage().window().setSize(new Dimension(390, 844));
            browser.open(hub.baseUrl() + "/console/#analytics");
            awaitPageMatchesApi();
            long viewport = (Long) browser.script("return document.documentElement.clientWidth");
            long content = (Long) browser.script("return document.documentElement.scrollWidth");
            assertThat(content).as("no sideways scrolling").isLessThanOrEqualTo(viewport);
            for (String chart : List.of("volumes", "response-times", "backlog")) {
                WebElement svg = browser.find(By.cssSelector("#chart-" + chart + " svg[role='img']"));
                assertThat(svg.getSize().getWidth()).isPositive().isLessThanOrEqualTo((int) viewport);
            }
            assertThat(browser.find(By.id("analytics-apply")).getSize().getWidth()).isLessThanOrEqualTo((int) viewport);
            browser.screenshot(getClass().getSimpleName() + "-phone");
        } finally {
            browser.driver().manage().window().setSize(before);
        }
    }

    @Test
    @Order(6)
    void knowledgeViewListsTheBaseAndTriesAQuestion() {
        browser.logIn(hub.baseUrl());
        JsonNode base = hub.http().adminJson("/api/knowledge");
        assertThat(base.path("entries")).hasSize(2);
        browser.open(hub.baseUrl() + "/console/#knowledge");
        browser.untilText(By.id("knowledge-count"), "(2)");
        assertThat(browser.find(By.cssSelector("#knowledge-entries tr[data-entry='opening-hours']")).getText())
                .contains("Opening hours", "de, en", "store");
        WebElement source = browser.find(By.cssSelector("#knowledge-sources tbody tr[data-source]"));
        assertThat(source.getAttribute("data-state")).isEqualTo(base.path("sources").get(0).path("state").asText());
        assertThat(source.getText()).contains(base.path("sources").get(0).path("name").asText(), "2");
        // An entry opens (Enter on its id) to its questions and answer per language.
        WebElement toggle = browser.find(By.cssSelector("#knowledge-entries tr[data-entry='opening-hours'] .entry-toggle"));
        toggle.sendKeys(Keys.ENTER);
        browser.untilText(By.id("entry-detail-opening-hours"), "Wann haben Sie geöffnet?");
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");

        // Asked with the keyboard: type, Enter; the page shows what the search API answers.
        browser.find(By.id("knowledge-q")).sendKeys("When are you open?", Keys.ENTER);
        browser.untilText(By.id("knowledge-verdict"), "Threshold");
        JsonNode search = hub.http().adminJson("/api/knowledge/search?q=When+are+you+open%3F");
        JsonNode best = search.path("matches").get(0);
        assertThat(best.path("entryId").asText()).isEqualTo("opening-hours");
        assertThat(text(By.id("knowledge-threshold")))
                .isEqualTo(String.format(Locale.ROOT, "%.2f", search.path("threshold").asDouble()));
        List<WebElement> matches = browser.findAll(By.cssSelector("#knowledge-matches li[data-entry]"));
        assertThat(matches).hasSize(search.path("matches").size());
        assertThat(matches.get(0).getAttribute("data-entry")).isEqualTo("opening-hours");
        assertThat(matches.get(0).findElement(By.cssSelector(".confidence")).getText())
                .isEqualTo(String.format(Locale.ROOT, "%.2f", best.path("confidence").asDouble()));
        assertThat(matches.get(0).getAttribute("data-above")).isEqualTo(best.path("aboveThreshold").asText());
        assertThat(text(By.id("knowledge-verdict"))).startsWith(best.path("aboveThreshold").asBoolean()
                ? "Above the threshold: the bot would answer with Opening hours" : "Nothing above the threshold");
    }

    // ---- seeding ----

    private void seedTraffic() {
        List<String> answered = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String thread = run + "-web" + i;
            customer(WEB, thread, 1, "Where is my parcel number " + i + "?");
            if (i < 3) {
                answered.add(thread);
            }
        }
        customer(WEB, run + "-web1", 2, "It was ordered last week.");
        String sms = run + "-sms";
        customer(SMS, sms, 1, "Can I change my delivery address?");
        customer(SMS, sms, 2, "The new one is in town.");
        logScan.texts(texts.toArray(String[]::new));

        List<String> conversations = new ArrayList<>();
        for (String thread : answered) {
            String conversation = awaitConversationOf(WEB, thread + "@example.com", ARRIVAL);
            awaitDeskTicket(conversation, INBOX, ARRIVAL);
            HttpResponse<String> reply = hub.http().adminPost("/api/conversations/" + conversation + "/replies",
                    Json.write(Json.object().put("inbox", INBOX).put("text", "It is on its way.")));
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
            conversations.add(conversation);
        }
        HttpResponse<String> resolved = hub.http().adminPost("/api/conversations/" + conversations.get(0) + "/resolve",
                Json.write(Json.object().put("inbox", INBOX)));
        assertThat(resolved.statusCode() / 100).as(resolved.body()).isEqualTo(2);

        // Both conversations nobody answers (web3 and the SMS one) breach their 2 s target before the page is read:
        // a breach after the page drew its charts would make the API's count differ from the page's for good.
        for (String unanswered : List.of(awaitConversationOf(WEB, run + "-web3@example.com", ARRIVAL),
                awaitConversationOf(SMS, sms + "@example.com", ARRIVAL))) {
            Poll.until(ARRIVAL, "the unanswered conversation breaches its first-response target", () -> hub.http()
                    .adminJson("/api/conversations/" + unanswered).path("firstResponse").path("state").asText()
                    .equals("BREACHED"));
        }
        for (String conversation : conversations) {
            Poll.until(ARRIVAL, "the inbox reply of " + conversation + " is the first response", () -> hub.http()
                    .adminJson("/api/conversations/" + conversation).path("firstResponse").path("state").asText()
                    .matches("ANSWERED|CLOSED"));
        }
        Poll.until(ARRIVAL, "the first conversation is resolved", () -> hub.http()
                .adminJson("/api/conversations/" + conversations.get(0)).path("status").asText().equals("RESOLVED"));
        // The journal has it all; the analytics read it (the API, not the page, is polled).
        String window = "?from=" + Instant.now().minus(1, ChronoUnit.HOURS) + "&to=" + Instant.now().plus(1, ChronoUnit.HOURS);
        Poll.until(ARRIVAL, "the analytics count the seeded messages", () -> hub.http()
                .adminJson("/api/analytics/volumes" + window).path("totals").path("inbound").asInt() >= 6);
        // The SLA figures come from a roll-up the journal's writer keeps: wait until it has both breaches too.
        Poll.until(ARRIVAL, "the SLA figures count both breaches", () -> hub.http()
                .adminJson("/api/analytics/sla" + window).path("total").path("breached").asInt() >= 2);
    }

    private void customer(String instance, String thread, int n, String text) {
        texts.add(text);
        ObjectNode message = Messages.inboundNode(thread + "-" + n, thread, text);
        HttpResponse<String> response = hub.http().postSigned("/hooks/" + instance, CHANNEL_SECRET, Json.write(message));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    // ---- page against API ----

    /**
     * Waits until every chart shows what the API answers for the query the chart made, and returns the volumes.
     * The page may still be drawing an earlier filter's answer, so this compares until they agree (10 s at most).
     */
    private JsonNode awaitPageMatchesApi() {
        JsonNode[] volumes = new JsonNode[1];
        String[] last = {""};
        try {
            browser.until("every chart shows the API's figures", d -> {
                for (String chart : CHARTS) {
                    String mismatch = mismatch(chart);
                    if (mismatch != null) {
                        last[0] = mismatch;
                        return null;
                    }
                }
                volumes[0] = api("volumes");
                return true;
            });
        } catch (RuntimeException e) {
            throw new AssertionError("the page does not show the API's figures: " + last[0], e);
        }
        return volumes[0];
    }

    /** What differs between chart {@code chart} and the API's answer to its query; null when nothing. */
    private String mismatch(String chart) {
        String query = query(chart);
        if (query.isEmpty()) {
            return chart + ": not drawn yet";
        }
        JsonNode json = hub.http().adminJson(query);
        List<String> problems = new ArrayList<>();
        switch (chart) {
            case "volumes" -> {
                expect(problems, "inbound", attr(By.id("volumes-inbound")), json.path("totals").path("inbound").asText());
                expect(problems, "outbound", attr(By.id("volumes-outbound")), json.path("totals").path("outbound").asText());
                int inbound = 0;
                for (JsonNode series : json.path("series")) {
                    int sum = 0;
                    for (JsonNode p : series.path("points")) {
                        sum += p.path("inbound").asInt();
                    }
                    inbound += sum;
                    String channelIn = series.path("channel").asText() + " in";
                    expect(problems, channelIn + " total", totalCell(channelIn), String.valueOf(sum));
                }
                expect(problems, "series add up to the total", String.valueOf(inbound),
                        json.path("totals").path("inbound").asText());
            }
            case "response-times" -> {
                for (String part : List.of("firstResponse", "resolution")) {
                    for (JsonNode r : json.path(part)) {
                        String key = r.path("key").asText();
                        int column = part.equals("firstResponse") ? 2 : 5;
                        expect(problems, key + " " + part + " median", cellText("response-times", key, column),
                                durationText(r.path("medianSeconds")));
                        expect(problems, key + " " + part + " p90", cellText("response-times", key, column + 1),
                                durationText(r.path("p90Seconds")));
                        expect(problems, key + " " + part + " count", cellText("response-times", key, column - 1),
                                r.path("count").asText());
                    }
                }
            }
            case "csat" -> {
                expect(problems, "rows", String.valueOf(rows(chart)), String.valueOf(json.path("rows").size()));
                for (JsonNode r : json.path("rows")) {
                    expect(problems, "ratings", cell(chart, r.path("key").asText(), "responses"), r.path("responses").asText());
                }
            }
            case "automation" -> {
                expect(problems, "answered", attr(By.id("automation-answered")), json.path("total").path("answered").asText("0"));
                expect(problems, "rows", String.valueOf(rows(chart)), String.valueOf(json.path("rows").size()));
            }
            case "sla" -> {
                expect(problems, "breached", attr(By.id("sla-breached")), json.path("total").path("breached").asText());
                for (JsonNode r : json.path("rows")) {
                    expect(problems, "breached " + r.path("key").asText(), cell(chart, r.path("key").asText(), "breached"),
                            r.path("breached").asText());
                }
            }
            case "backlog" -> {
                expect(problems, "open", attr(By.id("backlog-open")), json.path("open").asText());
                for (JsonNode r : json.path("rows")) {
                    expect(problems, "waiting " + r.path("key").asText(), cell(chart, r.path("key").asText(), "waiting"),
                            r.path("waiting").asText());
                }
            }
            default -> throw new IllegalArgumentException(chart);
        }
        return problems.isEmpty() ? null : chart + " " + query + ": " + problems;
    }

    private static void expect(List<String> problems, String what, String shown, String api) {
        if (!api.equals(shown)) {
            problems.add(what + " shows '" + shown + "', the API says '" + api + "'");
        }
    }

    /** The path and query the chart was drawn from. */
    private String query(String chart) {
        Object q = browser.script("const f = document.getElementById(arguments[0]); return f ? f.dataset.query || '' : ''",
                "chart-" + chart);
        return q == null ? "" : q.toString();
    }

    private JsonNode api(String chart) {
        return hub.http().adminJson(query(chart));
    }

    private String text(By by) {
        return browser.find(by).getText().strip();
    }

    private String attr(By by) {
        List<WebElement> found = browser.findAll(by);
        return found.isEmpty() ? "(missing)" : found.get(0).getAttribute("data-value");
    }

    /** A table cell's text (tables sit closed behind their charts: textContent, not the rendered text). */
    private String cell(String chart, String key, String column) {
        Object v = browser.script("const c = document.querySelector('#table-' + arguments[0] + '-data tr[data-key=\"'"
                + " + CSS.escape(arguments[1]) + '\"] [data-col=\"' + arguments[2] + '\"]'); return c ? c.textContent : '(missing)'",
                chart, key, column);
        return String.valueOf(v);
    }

    private String cellText(String chart, String key, int column) {
        Object v = browser.script("const r = document.querySelector('#table-' + arguments[0] + '-data tbody tr[data-key=\"'"
                + " + CSS.escape(arguments[1]) + '\"]'); return r ? r.children[arguments[2]].textContent : '(missing)'",
                chart, key, column);
        return String.valueOf(v);
    }

    private String totalCell(String column) {
        Object v = browser.script("const t = document.getElementById('table-volumes-data');"
                + "const i = Array.from(t.tHead.rows[0].cells).findIndex(c => c.textContent === arguments[0]);"
                + "return i < 0 || !t.tFoot ? '(missing)' : t.tFoot.rows[0].cells[i].textContent", column);
        return String.valueOf(v);
    }

    private int rows(String chart) {
        return ((Long) browser.script("return document.querySelectorAll('#table-' + arguments[0] + '-data tbody tr[data-key]').length",
                chart)).intValue();
    }

    private static JsonNode row(JsonNode rows, String key) {
        for (JsonNode r : rows) {
            if (key.equals(r.path("key").asText())) {
                return r;
            }
        }
        throw new AssertionError("no row " + key + " in " + rows);
    }

    private static int sum(JsonNode rows, String field) {
        int sum = 0;
        for (JsonNode r : rows) {
            sum += r.path(field).asInt();
        }
        return sum;
    }

    /** The console's duration format: whole seconds as 45s, 12m 5s, 3h 4m, 2d 3h; a dash for none. */
    static String durationText(JsonNode seconds) {
        if (seconds.isMissingNode() || seconds.isNull()) {
            return "\u2014";
        }
        long s = Math.round(seconds.asDouble());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + (s % 3600) / 60 + "m";
        }
        return s / 86400 + "d " + (s % 86400) / 3600 + "h";
    }

    /** An instant as the browser's toISOString() writes it (always with milliseconds). */
    private static String iso(Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(at);
    }

    private void setLocal(String id, Instant at) {
        // A datetime-local input takes the browser's local time; the page turns it back into the instant.
        browser.script("const d = new Date(arguments[1]); const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);"
                + "document.getElementById(arguments[0]).value = local.toISOString().slice(0, 16);", id, at.toString());
    }

    private WebElement active() {
        return browser.driver().switchTo().activeElement();
    }

    private String activeId() {
        return String.valueOf(browser.script("return document.activeElement.id || ''"));
    }
}
