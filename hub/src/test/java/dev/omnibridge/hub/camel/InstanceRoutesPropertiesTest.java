package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An instance's {@code properties} reach every route of its YAML, and only while its routes are being created. */
class InstanceRoutesPropertiesTest {
    private static final String TWO_ROUTES = """
            - route:
                id: first
                from:
                  uri: "omnibridge:{{in}}"
                  steps:
                    - setBody:
                        constant: "{{greeting}}"
            - route:
                id: second
                from:
                  uri: "omnibridge:{{out}}"
                  steps:
                    - setBody:
                        constant: "{{greeting}}"
            """;

    private CamelContext camel;
    private OmnibridgeComponent omnibridge;

    @BeforeEach
    void startCamel() {
        camel = new DefaultCamelContext();
        omnibridge = new OmnibridgeComponent(id -> true);
        camel.addComponent(OmnibridgeComponent.SCHEME, omnibridge);
        camel.start();
    }

    @AfterEach
    void stopCamel() throws Exception {
        camel.close();
    }

    @Test
    void everyRouteOfTheFileReadsTheInstancesProperties() throws Exception {
        InstanceRoutes routes = new InstanceRoutes(camel, "slack");

        routes.start(new CamelRouteSettings.Source("two.camel.yaml", TWO_ROUTES),
                Map.of("in", "slack-a", "out", "slack-b", "greeting", "hello"));

        assertThat(routes.routeIds()).containsExactlyInAnyOrder("slack.first", "slack.second");
        assertThat(omnibridge.readingInstances()).containsExactlyInAnyOrder("slack-a", "slack-b");
    }

    @Test
    void theInstancesPropertiesAreNotTheContextsOnceItsRoutesAreMade() throws Exception {
        new InstanceRoutes(camel, "slack").start(new CamelRouteSettings.Source("two.camel.yaml", TWO_ROUTES),
                Map.of("in", "slack-a", "out", "slack-b", "greeting", "hello"));

        assertThatThrownBy(() -> camel.resolvePropertyPlaceholders("{{greeting}}"))
                .hasMessageContaining("greeting");
    }
}
