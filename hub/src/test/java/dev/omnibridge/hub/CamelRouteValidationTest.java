package dev.omnibridge.hub;

import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code omnibridge validate} loads camel instances' routes and reports every problem at once (issue 23). */
class CamelRouteValidationTest {
    @TempDir
    Path dir;

    @Test
    void yamlErrorsUnknownComponentsBadEndpointsAndUnknownInstancesAreReportedAllAtOnceWithInstanceIds()
            throws IOException {
        Files.writeString(dir.resolve("broken.camel.yaml"), """
                - route:
                    from:
                      uri: omnibridge:broken
                      steps:
                        - to: "timer:tick?period=oops"
                     - to: log:x
                """);
        Files.writeString(dir.resolve("good.camel.yaml"), """
                - route:
                    id: deliver
                    from:
                      uri: "omnibridge:{{self}}"
                      steps:
                        - setHeader:
                            name: OmnibridgeTicketRef
                            simple: "T-${header.OmnibridgeConversationId}"
                        - to: "log:{{self}}?level=DEBUG"
                """);
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, """
                hub: {adminToken: admin-token-123}
                instances:
                  - id: broken
                    type: camel-desk
                    settings: {routes: broken.camel.yaml}
                  - id: good
                    type: camel-desk
                    settings: {routes: good.camel.yaml, properties: {self: good}}
                  - id: chan
                    type: camel-channel
                    settings:
                      route: |
                        - route:
                            id: in
                            from:
                              uri: "direct:in"
                              steps:
                                - to: "nosuch:thing"
                                - to: "timer:tick?noSuchOption=1"
                                - to: "omnibridge:ghost"
                                - to: "omnibridge:chan"
                  - id: missing
                    type: camel-desk
                    settings: {routes: missing.camel.yaml}
                  - id: both
                    type: camel-desk
                    settings: {routes: good.camel.yaml, route: "- route: {}"}
                routes:
                  - {from: chan, to: [broken, good, missing, both]}
                """);

        List<ConfigProblem> problems = Omnibridge.problems(file);

        assertThat(problems).extracting(ConfigProblem::instanceId)
                .containsExactlyInAnyOrder("broken", "chan", "chan", "chan", "missing", "both");
        assertThat(problem(problems, "broken").message()).contains("line");
        List<String> chan = problems.stream().filter(p -> "chan".equals(p.instanceId()))
                .map(ConfigProblem::message).toList();
        assertThat(chan).anySatisfy(m -> assertThat(m).contains("unknown Camel component 'nosuch'")
                .contains("plugin zip"));
        assertThat(chan).anySatisfy(m -> assertThat(m).contains("timer://tick?noSuchOption=1")
                .contains("noSuchOption"));
        assertThat(chan).anySatisfy(m -> assertThat(m).contains("omnibridge://ghost")
                .contains("names no camel-channel or camel-desk instance"));
        assertThat(chan).allSatisfy(m -> assertThat(m).startsWith("route chan.in: "));
        assertThat(problem(problems, "missing").message()).contains("missing.camel.yaml").contains("does not exist");
        assertThat(problem(problems, "both").message()).contains("exactly one of 'routes'");
    }

    private static ConfigProblem problem(List<ConfigProblem> problems, String instance) {
        return problems.stream().filter(p -> instance.equals(p.instanceId())).findFirst().orElseThrow();
    }
}
