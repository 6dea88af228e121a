package dev.omnibridge.testkit.contract;

import dev.omnibridge.model.Address;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.OutboundMessage;

import java.util.List;
import java.util.Map;

/** A channel that keeps the contract passes every check; {@link ContractCatchesFlawsTest} breaks it one rule at a time. */
class ToyChannelContractTest implements ChannelConnectorContract<ToyChannel> {
    ToyChannel.Flaw flaw() {
        return ToyChannel.Flaw.NONE;
    }

    @Override
    public ConnectorType type() {
        return ToyChannel.type(flaw());
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of("secret", "toy-secret-8842");
    }

    @Override
    public Map<Check, String> optOuts() {
        return Map.of(Check.README_TABLE_CURRENT, "a test fixture, not a module with a README");
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.post("first", "text/plain", "m-1|t-1|ann@example.com|My parcel is late"),
                WebhookSample.post("second", "text/plain", "m-2|t-2|bob@example.com|Please cancel my order"));
    }

    @Override
    public OutboundMessage sampleOutbound() {
        return ContractSamples.reply("toy", instanceId(), "t-1", Address.email("ann@example.com"), "It ships today");
    }

    @Override
    public void failSendsWith(int status) {
        ToyChannel.failWith = status;
    }

    @Override
    public void failSendsWithNetworkError() {
        ToyChannel.failWith = -1;
    }
}
