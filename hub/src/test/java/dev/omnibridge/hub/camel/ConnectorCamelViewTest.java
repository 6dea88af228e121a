package dev.omnibridge.hub.camel;

import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.StandInConnectors;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code ConnectorContext.camel()} hands a connector cannot stop or reconfigure the hub's context (issue 23). */
class ConnectorCamelViewTest {
    @TempDir
    Path dir;

    @Test
    void aConnectorCannotStopTheHubsContextButStillSendsThroughATemplate() throws Exception {
        StandInConnectors stand = new StandInConnectors("view");
        LocalHub local = new LocalHub("camel-view-admin-token");
        try (Hub hub = local.start(dir, LocalHub.QUICK_DELIVERY, List.of(LocalHub.instance("chan", "view-channel"),
                LocalHub.instance("desk", "view-desk")), List.of(new HubConfig.Route("chan", List.of("desk"))),
                stand.channel(), stand.desk())) {
            CamelContext view = stand.context("chan").camel();

            assertThatThrownBy(view::stop).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("CamelContext.stop").hasMessageContaining("chan");
            assertThatThrownBy(view::suspend).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(view::shutdown).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(view::getRouteController).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> view.removeComponent("omnibridge"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> view.removeRoute("any")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(view::getCamelContextExtension).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> view.setStreamCaching(false)).isInstanceOf(UnsupportedOperationException.class);
            assertThat(hub.camel().getStatus()).isEqualTo(ServiceStatus.Started);
            assertThat(hub.camel().hasComponent("omnibridge")).isNotNull();

            // What the email and Twilio connectors need keeps working: a producer template and type conversion.
            try (ProducerTemplate template = view.createProducerTemplate()) {
                assertThat(template.requestBody("log:connector-view?level=TRACE", "ping"))
                        .isEqualTo("ping");
            }
            assertThat(view.getTypeConverter().convertTo(Integer.class, "42")).isEqualTo(42);
            assertThat(view.isStarted()).isTrue();
        }
    }
}
