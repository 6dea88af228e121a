package dev.omnibridge.model;

import java.util.Objects;

/**
 * Who wrote a message.
 *
 * @param role        customer, agent, bot or system
 * @param displayName name to show, may be null
 * @param address     where the author is reached on the message's channel, may be null (e.g. an agent)
 */
public record Author(Role role, String displayName, Address address) {
    public Author {
        Objects.requireNonNull(role, "role");
    }

    public static Author customer(String displayName, Address address) {
        return new Author(Role.CUSTOMER, displayName, address);
    }

    public static Author agent(String displayName) {
        return new Author(Role.AGENT, displayName, null);
    }
}
