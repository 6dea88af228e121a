package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which channel instances an address was seen on ({@code address_channels}, V13): a number on SMS and on WhatsApp is
 * one address on two channels. Written when a conversation is opened for the address, so not once per message.
 */
public final class AddressChannels {
    private AddressChannels() {
    }

    /** Records that the address wrote on the channel instance; true when that is new. */
    public static boolean seen(Connection c, Address address, String channelInstance, Instant now)
            throws SQLException {
        if (Sql.string(c, "SELECT channel_instance FROM address_channels WHERE kind = ? AND address = ? "
                + "AND channel_instance = ?", address.kind(), address.value(), channelInstance).isPresent()) {
            return false;
        }
        Sql.update(c, "INSERT INTO address_channels (kind, address, channel_instance, first_seen_at) "
                + "VALUES (?, ?, ?, ?)", address.kind(), address.value(), channelInstance, now);
        return true;
    }

    /** The channel instances of each address (in the order first seen); addresses never seen map to none. */
    public static Map<Address, List<String>> of(Connection c, List<Address> addresses) throws SQLException {
        Map<Address, List<String>> out = new LinkedHashMap<>();
        for (Address a : addresses) {
            out.put(a, new ArrayList<>());
        }
        if (addresses.isEmpty()) {
            return out;
        }
        StringBuilder sql = new StringBuilder("SELECT kind, address, channel_instance FROM address_channels WHERE ");
        List<Object> params = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("(kind = ? AND address = ?)");
            params.add(addresses.get(i).kind());
            params.add(addresses.get(i).value());
        }
        sql.append(" ORDER BY first_seen_at, channel_instance");
        try (PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Address a = new Address(AddressKind.valueOf(rs.getString(1)), rs.getString(2));
                out.computeIfAbsent(a, k -> new ArrayList<>()).add(rs.getString(3));
            }
        }
        return out;
    }
}
