package dev.omnibridge.testkit.contract;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each check fails a connector that breaks its rule: the contract is not a list of tests that always pass. */
class ContractCatchesFlawsTest {
    private static ToyChannelContractTest with(ToyChannel.Flaw flaw) {
        return new ToyChannelContractTest() {
            @Override
            ToyChannel.Flaw flaw() {
                return flaw;
            }
        };
    }

    @Test
    void anUnsignedWebhookAccepted() {
        assertThatThrownBy(() -> with(ToyChannel.Flaw.ACCEPTS_UNSIGNED).anUnsignedWebhookIsRefused())
                .isInstanceOf(AssertionError.class).hasMessageContaining("unsigned first");
    }

    @Test
    void customerTextInTheLog() {
        assertThatThrownBy(() -> with(ToyChannel.Flaw.LOGS_TEXT).logsShowNoSecretsNorCustomerData())
                .isInstanceOf(AssertionError.class).hasMessageContaining("customer data");
    }

    @Test
    void aSecretInTheLog() {
        assertThatThrownBy(() -> with(ToyChannel.Flaw.LOGS_SECRET).logsShowNoSecretsNorCustomerData())
                .isInstanceOf(AssertionError.class).hasMessageContaining("secret");
    }

    @Test
    void aRateLimitCalledPermanent() {
        assertThatThrownBy(() -> with(ToyChannel.Flaw.ALL_SEND_ERRORS_PERMANENT).sendFailuresAreClassified())
                .isInstanceOf(AssertionError.class).hasMessageContaining("HTTP 429");
    }

    @Test
    void aDedupeIdThatChangesOnEveryDelivery() {
        assertThatThrownBy(() -> with(ToyChannel.Flaw.RANDOM_IDS).inboundItemsKeepTheirDedupeIdsWhenReceivedAgain())
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aChannelThatSaysNothingOfWhatItCarries() {
        assertThatThrownBy(() -> with(ToyChannel.Flaw.DECLARES_NOTHING).capabilitiesAreDeclared())
                .isInstanceOf(AssertionError.class).hasMessageContaining("undeclared default");
    }
}
