package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.omnibridge.deskkit.DeskHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;

/**
 * The committed CaseComment and EmailMessage records of an org, served as the REST query resource serves them
 * (developer.salesforce.com/docs/platform/api-rest/guide/resources-query.html and resources-query-more-results.html):
 * only records committed so far, filtered by the query's own {@code <field> >= <dateTime>} condition, ordered by that
 * field, cut at its LIMIT, in pages of {@link #pageSize} with {@code done: false} and a {@code nextRecordsUrl} query
 * locator for the rest. The query's other conditions are not evaluated: a test commits the records an org would
 * answer, including ones the connector must drop itself. The cursor conditions each query asked are recorded.
 */
final class OrgRecords implements ResponseDefinitionTransformerV2 {
    static final String NAME = "org-records";
    private static final Pattern FROM = Pattern.compile("\\bFROM (\\w+) WHERE");
    private static final Pattern SINCE = Pattern.compile("\\b(\\w+) >= (\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)");
    private static final Pattern LIMIT = Pattern.compile("\\bLIMIT (\\d+)");

    private final Map<String, List<ObjectNode>> committed = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> locators = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final AtomicInteger locatorSeq = new AtomicInteger();
    private volatile int pageSize = 2000;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Routes the reply queries and their query-more locators to this org; no case changes. */
    void stub(WireMockExtension wm) {
        Fixtures.stubQuery(wm, "FROM Case WHERE", "");
        wm.stubFor(get(urlPathEqualTo(QUERY)).withQueryParam("q", matching(".*FROM (CaseComment|EmailMessage) WHERE.*"))
                .willReturn(aResponse().withTransformers(NAME)));
        wm.stubFor(get(urlPathMatching(QUERY + "/01g[A-Za-z0-9]+-\\d+")).willReturn(aResponse().withTransformers(NAME)));
    }

    /** An empty org, as at the start of each test. */
    void reset() {
        committed.clear();
        locators.clear();
        asked.clear();
        pageSize = 2000;
    }

    /** The record's transaction committed: queries from now on see it. */
    void commit(String object, String recordJson) {
        try {
            committed.computeIfAbsent(object, k -> new CopyOnWriteArrayList<>())
                    .add((ObjectNode) DeskHttp.JSON.readTree(recordJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void pageSize(int records) {
        this.pageSize = records;
    }

    /** {@code <object> <field> >= <dateTime>} of every reply query so far, oldest first. */
    List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String path = event.getRequest().getUrl();
        if (path.startsWith(QUERY + "/")) {
            String locator = path.substring(path.lastIndexOf('/') + 1);
            List<ObjectNode> rest = locators.remove(locator);
            if (rest == null) {
                return json(400, "[{\"message\":\"invalid query locator\",\"errorCode\":\"INVALID_QUERY_LOCATOR\"}]");
            }
            return page(rest, rest.size());
        }
        String soql = event.getRequest().queryParameter("q").firstValue();
        Matcher from = FROM.matcher(soql);
        Matcher since = SINCE.matcher(soql);
        Matcher limit = LIMIT.matcher(soql);
        if (!from.find() || !since.find() || !limit.find()) {
            return json(400, "[{\"message\":\"unexpected test query\",\"errorCode\":\"MALFORMED_QUERY\"}]");
        }
        String field = since.group(1);
        Instant cursor = Instant.parse(since.group(2));
        asked.add(from.group(1) + " " + field + " >= " + since.group(2));
        List<ObjectNode> matching = new ArrayList<>(committed.getOrDefault(from.group(1), List.of()).stream()
                .filter(r -> !Soql.parse(r.path(field).asText()).isBefore(cursor))
                .sorted(Comparator.comparing(r -> Soql.parse(r.path(field).asText()))).toList());
        List<ObjectNode> limited = matching.subList(0, Math.min(matching.size(), Integer.parseInt(limit.group(1))));
        return page(new ArrayList<>(limited), limited.size());
    }

    /** The first page of {@code records}; the rest stays behind a new locator. */
    private ResponseDefinition page(List<ObjectNode> records, int total) {
        ObjectNode result = DeskHttp.JSON.createObjectNode();
        result.put("totalSize", total);
        int n = Math.min(pageSize, records.size());
        boolean done = n == records.size();
        result.put("done", done);
        if (!done) {
            String locator = "01gFAKE" + locatorSeq.incrementAndGet() + "-" + n;
            locators.put(locator, new ArrayList<>(records.subList(n, records.size())));
            result.put("nextRecordsUrl", QUERY + "/" + locator);
        }
        ArrayNode array = result.putArray("records");
        records.subList(0, n).forEach(array::add);
        return json(200, result.toString());
    }

    private static ResponseDefinition json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body).build();
    }

    /** A CaseComment as the query answers it, with SystemModstamp equal to CreatedDate unless given. */
    static String comment(String id, String body, String createdBy, String created, String modstamp) {
        return "{\"attributes\":{\"type\":\"CaseComment\",\"url\":\"" + Fixtures.DATA + "/sobjects/CaseComment/" + id
                + "\"},\"Id\":\"" + id + "\",\"ParentId\":\"" + Fixtures.CASE + "\",\"CommentBody\":\"" + body
                + "\",\"IsPublished\":true,\"CreatedDate\":\"" + created + "\",\"SystemModstamp\":\"" + modstamp
                + "\",\"CreatedById\":\"" + createdBy + "\",\"CreatedBy\":{\"attributes\":{\"type\":\"User\"},"
                + "\"Name\":\"Alice Agent\",\"UserType\":\"Standard\"},\"Parent\":{\"attributes\":{\"type\":\"Case\"},"
                + "\"Omnibridge_Conversation_Id__c\":\"" + Fixtures.CONV + "\"}}";
    }
}
