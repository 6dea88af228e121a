package dev.omnibridge.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which IP addresses are public Internet addresses. A URL that came from outside (a webhook, a vendor's answer) may
 * only be fetched from a public address, so that it cannot reach the hub's own host, its network or a cloud metadata
 * service (169.254.169.254).
 */
public final class PublicAddresses {
    private PublicAddresses() {
    }

    /** True for a public unicast address. */
    public static boolean isPublic(InetAddress address) {
        return nonPublicKind(address) == null;
    }

    /**
     * What kind of non-public address this is ("loopback", "private", "link-local", ...), or null for a public one.
     * IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4
     * {@code 2002::/16}) are judged by the IPv4 address they carry.
     */
    public static String nonPublicKind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Kind(b);
        }
        if (address instanceof Inet6Address) {
            return ipv6Kind(b);
        }
        return "unknown";
    }

    private static String ipv4Kind(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        if (first == 0) {
            return "this-network";
        }
        if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
            return "private";
        }
        if (first == 127) {
            return "loopback";
        }
        if (first == 169 && second == 254) {
            return "link-local";
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return "shared (carrier-grade NAT)";
        }
        if (first == 192 && second == 0 && third == 0) {
            return "IETF protocol assignment";
        }
        if (first == 198 && (second == 18 || second == 19)) {
            return "benchmarking";
        }
        if (first >= 224) {
            return first < 240 ? "multicast" : "reserved";
        }
        return null;
    }

    private static String ipv6Kind(byte[] b) {
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique-local";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site-local";
        }
        if ((b[0] & 0xff) == 0xff) {
            return "multicast";
        }
        // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped; the JDK usually hands that as Inet4Address)
        if (zero(b, 0, 10) && ((b[10] == 0 && b[11] == 0) || ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff))) {
            return embedded(b, 12);
        }
        // NAT64 well-known prefix 64:ff9b::/96
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return embedded(b, 12);
        }
        // 6to4 2002:a.b.c.d::/48
        if (b[0] == 0x20 && b[1] == 0x02) {
            return embedded(b, 2);
        }
        return null;
    }

    private static String embedded(byte[] b, int from) {
        byte[] v4 = {b[from], b[from + 1], b[from + 2], b[from + 3]};
        if ((v4[0] & 0xff) == 127) {
            return "loopback";
        }
        String kind = ipv4Kind(v4);
        return kind == null ? null : kind + " (embedded IPv4)";
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
