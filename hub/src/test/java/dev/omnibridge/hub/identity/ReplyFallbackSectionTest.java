package dev.omnibridge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code identity.replyFallback} and {@code identity.channels.<id>.replyFallback} as the config file gives them. */
class ReplyFallbackSectionTest {
    private static final List<String> INSTANCES = List.of("chat", "wa", "sms", "mail", "zendesk");

    private final List<ConfigProblem> problems = new ArrayList<>();

    private IdentityConfig read(String yaml) throws Exception {
        JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        return IdentitySection.read(node, INSTANCES, problems);
    }

    @Test
    void aDefaultOrderAndPerChannelOrdersAreRead() throws Exception {
        ReplyFallbackConfig fallback = read("""
                replyFallback: [mail, sms]
                channels:
                  wa: {replyFallback: [sms, mail]}
                  chat: {replyFallback: []}
                """).replyFallback();

        assertThat(problems).isEmpty();
        assertThat(fallback.forChannel("sms")).containsExactly("mail", "sms");
        assertThat(fallback.forChannel("wa")).containsExactly("sms", "mail");
        assertThat(fallback.forChannel("chat")).as("an empty list turns it off for that channel").isEmpty();
    }

    @Test
    void aSingleIdIsAListOfOne() throws Exception {
        assertThat(read("replyFallback: mail").replyFallback().forChannel("chat")).containsExactly("mail");
        assertThat(problems).isEmpty();
    }

    @Test
    void withoutTheKeyThereIsNoFallback() throws Exception {
        assertThat(read("defaultRegion: DE").replyFallback().forChannel("chat")).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void everyWrongIdIsReportedUnderItsKey() throws Exception {
        ReplyFallbackConfig fallback = read("""
                replyFallback: [mail, fax, mail, 3]
                channels:
                  pager: {replyFallback: [mail]}
                  wa: {replyFallback: [wa], retries: 2}
                  sms: [mail]
                """).replyFallback();

        assertThat(problems).extracting(ConfigProblem::key, ConfigProblem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("identity.replyFallback", "no instance 'fax' is configured"),
                org.assertj.core.groups.Tuple.tuple("identity.replyFallback", "'mail' is listed twice"),
                org.assertj.core.groups.Tuple.tuple("identity.replyFallback",
                        "must hold channel instance ids, found '3'"),
                org.assertj.core.groups.Tuple.tuple("identity.channels.pager", "no instance 'pager' is configured"),
                org.assertj.core.groups.Tuple.tuple("identity.channels.wa.replyFallback",
                        "'wa' cannot be its own fallback"),
                org.assertj.core.groups.Tuple.tuple("identity.channels.wa.retries", "unknown key; known: replyFallback"),
                org.assertj.core.groups.Tuple.tuple("identity.channels.sms", "must be a mapping (replyFallback)"));
        assertThat(fallback.forChannel("chat")).as("the valid ids are kept").containsExactly("mail");
    }

    @Test
    void aReplyFallbackThatIsNoListIsReported() throws Exception {
        read("replyFallback: {mail: true}");
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("identity.replyFallback");
            assertThat(p.message()).isEqualTo("must be a list of channel instance ids");
        });
    }
}
