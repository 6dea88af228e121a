package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The hub's side, reduced to what a webhook connector uses: settings parsed by the connector's own ConfigDef. */
final class FakeConnectorContext implements ConnectorContext {
    private final String instanceId;
    private final Settings settings;
    final List<String> problems = new ArrayList<>();

    FakeConnectorContext(String instanceId, ConfigDef config, Map<String, ?> rawSettings) {
        this.instanceId = instanceId;
        List<ConfigProblem> configProblems = new ArrayList<>();
        this.settings = config.parse(instanceId, rawSettings, configProblems);
        if (!configProblems.isEmpty()) {
            throw new IllegalArgumentException("test settings are invalid: " + configProblems);
        }
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public CamelContext camel() {
        throw new UnsupportedOperationException("not used by webhook connectors");
    }

    @Override
    public void addComponent(String scheme, Component component) {
        throw new UnsupportedOperationException("not used by webhook connectors");
    }

    @Override
    public void addRoutes(RoutesBuilder routes) {
        throw new UnsupportedOperationException("not used by webhook connectors");
    }

    @Override
    public CompletionStage<Void> submit(Inbound inbound) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<String> offset(String key) {
        return Optional.empty();
    }

    @Override
    public AttachmentStore attachments() {
        throw new UnsupportedOperationException("not used by webhook connectors");
    }

    @Override
    public URI webhookUrl() {
        return URI.create("http://localhost:8080/hooks/" + instanceId);
    }

    @Override
    public void reportProblem(String message) {
        problems.add(message);
    }
}
