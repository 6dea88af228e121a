package dev.omnibridge.model;

import java.util.List;
import java.util.Objects;

/** One customer, recognised by one or more channel addresses. */
public record Contact(String id, String displayName, List<Address> addresses) {
    public Contact {
        Objects.requireNonNull(id, "id");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
