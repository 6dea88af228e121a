package dev.omnibridge.testkit.contract;

/**
 * The checks of the connector contract, by name. A connector's contract test opts out of one only with a stated
 * reason ({@link ConnectorContract#optOuts()}); the check is then reported as skipped with that reason.
 */
public enum Check {
    /** Every setting (and assignment setting) has a type and a non-empty description. */
    SETTINGS_DOCUMENTED,
    /** Settings named like credentials are secrets; secret values never show in {@code Settings.toString} or problems. */
    SECRETS_HIDDEN,
    /** {@link ConnectorContract#validSettings()} parse without a problem. */
    VALID_SETTINGS_VALIDATE,
    /** Leaving out any required setting is reported against that setting. */
    MISSING_REQUIRED_REPORTED,
    /** The settings table in the module's README is the one generated from the ConfigDef. */
    README_TABLE_CURRENT,
    /** Inbound messages are valid against message-v1.schema.json (channels). */
    INBOUND_MATCHES_SCHEMA,
    /** The same inbound item received twice (even by a new instance) gets the same dedupe id. */
    INBOUND_DEDUPE_STABLE,
    /** Distinct inbound items get distinct dedupe ids. */
    INBOUND_DISTINCT_IDS,
    /** Thread (ordering) keys of an inbound item are the same on every repeat. */
    THREAD_KEYS_STABLE,
    /** A webhook without the vendor's signature is refused. */
    UNSIGNED_REFUSED,
    /** A webhook signed with another secret is refused. */
    FORGED_SECRET_REFUSED,
    /** A signed webhook whose body was changed after signing is refused. */
    ALTERED_BODY_REFUSED,
    /** A webhook signed longer ago than the scheme's replay window is refused (schemes with a timestamp). */
    REPLAY_REFUSED,
    /** Nothing the connector prints (logs) or throws while the checks run shows a secret or customer data. */
    LOGS_CLEAN,
    /** Send (channel) or deliver (desk) failures are classified retryable or permanent as documented. */
    SEND_ERRORS_CLASSIFIED,
    /**
     * A channel says what its messages can carry ({@code ChannelConnector.capabilities()}): not the undeclared
     * default, and with a text limit whenever the channel has one, so the hub adapts long text, buttons and files.
     */
    CAPABILITIES_DECLARED
}
