package dev.omnibridge.spi;

import dev.omnibridge.model.Address;

import java.util.Objects;

/**
 * Whether a customer can be written to at an address: an SMS STOP, a blocked bot or an unsubscribed number makes
 * it unreachable, a START makes it reachable again. The hub refuses outbound messages to an unreachable address
 * with a permanent failure, so no channel sends to someone who opted out.
 *
 * @param address   the customer's address on the channel
 * @param reachable false after an opt-out or block
 * @param reason    why, for agents and operators (e.g. {@code opted out with STOP}); null when reachable
 */
public record AddressStatus(Address address, boolean reachable, String reason) {
    public AddressStatus {
        Objects.requireNonNull(address, "address");
    }

    public static AddressStatus optedOut(Address address, String reason) {
        return new AddressStatus(address, false, Objects.requireNonNull(reason, "reason"));
    }

    public static AddressStatus optedIn(Address address) {
        return new AddressStatus(address, true, null);
    }
}
