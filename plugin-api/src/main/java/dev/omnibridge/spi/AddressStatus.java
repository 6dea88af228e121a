package dev.omnibridge.spi;

import dev.omnibridge.model.Address;

import java.util.Objects;

/**
 * Whether a customer can be written to at an address: an SMS STOP, a blocked bot or an unsubscribed number makes
 * it unreachable, a START makes it reachable again. The hub refuses outbound messages to an unreachable address
 * with a permanent failure, so no channel sends to someone who opted out.
 * <p>
 * Two kinds of unreachable: an {@linkplain #optedOut opt-out} is the customer's choice and lasts until they opt in
 * (or an operator clears it); an {@linkplain #unreachable unreachable} mark is what the channel last saw (the bot
 * was blocked, the chat was not found) and ends as soon as the customer writes again. An operator can clear either,
 * and replaying a dead letter clears an unreachable mark (not an opt-out) so the replay really tries.
 *
 * @param address       the customer's address on the channel
 * @param reachable     false after an opt-out, a block or a failed send
 * @param reason        why, for agents and operators (e.g. {@code opted out with STOP}); null when reachable
 * @param untilOptIn    for an unreachable address: true when only an opt-in (or an operator) makes it reachable again,
 *                      false when the customer's next message does too
 */
public record AddressStatus(Address address, boolean reachable, String reason, boolean untilOptIn) {
    public AddressStatus {
        Objects.requireNonNull(address, "address");
        untilOptIn = !reachable && untilOptIn;
    }

    /** The form before {@code untilOptIn} existed: an unreachable address stays so until an opt-in. */
    public AddressStatus(Address address, boolean reachable, String reason) {
        this(address, reachable, reason, !reachable);
    }

    /** The customer opted out (e.g. STOP): unreachable until they opt in. */
    public static AddressStatus optedOut(Address address, String reason) {
        return new AddressStatus(address, false, Objects.requireNonNull(reason, "reason"), true);
    }

    /**
     * The channel could not deliver to the address (e.g. the bot was blocked, the chat was not found): unreachable
     * until the customer writes again, since then the channel evidently reaches them.
     */
    public static AddressStatus unreachable(Address address, String reason) {
        return new AddressStatus(address, false, Objects.requireNonNull(reason, "reason"), false);
    }

    public static AddressStatus optedIn(Address address) {
        return new AddressStatus(address, true, null, false);
    }
}
