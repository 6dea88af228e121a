package dev.omnibridge.hub.camel;

import dev.omnibridge.spi.ConnectorContext;

/**
 * What a running camel instance offers routes that end in {@code omnibridge:<id>}: a channel takes customer
 * messages, a desk takes agents' replies ({@code ?kind=reply}).
 *
 * @param context the instance's connector context; submissions go through it, so the hub stores them as the
 *                instance's own
 * @param channel whether the instance is a camel-channel (else a camel-desk)
 * @param addressKind for a channel: the kind of a bare {@code OmnibridgeAddress} without a {@code kind:} prefix
 */
record Inlet(ConnectorContext context, boolean channel, dev.omnibridge.model.AddressKind addressKind) {
}
