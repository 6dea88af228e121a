package dev.omnibridge.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class PublicAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255",
            "192.168.1.1", "169.254.169.254", "169.254.0.1", "0.0.0.0", "0.1.2.3", "100.64.0.1", "100.127.255.255",
            "192.0.0.8", "198.18.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255"})
    void ipv4AddressesThatAreNotPublic(String literal) throws Exception {
        assertThat(PublicAddresses.nonPublicKind(InetAddress.getByName(literal))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "::", "fe80::1", "fec0::1", "fc00::1", "fd12:3456::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.1.2.3", "::127.0.0.1", "::10.0.0.1",
            "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "::ffff:0.0.0.0"})
    void ipv6AddressesThatAreNotPublicIncludingIpv4CarriedInIpv6(String literal) throws Exception {
        assertThat(PublicAddresses.nonPublicKind(InetAddress.getByName(literal))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "169.255.0.1",
            "2606:4700:4700::1111", "2a03:2880:f10c:83:face:b00c:0:25de", "::ffff:8.8.8.8",
            "64:ff9b::808:808", "2002:808:808::1"})
    void publicAddresses(String literal) throws Exception {
        assertThat(PublicAddresses.isPublic(InetAddress.getByName(literal))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void theMetadataAddressIsNamedLinkLocal() throws Exception {
        assertThat(PublicAddresses.nonPublicKind(InetAddress.getByName("169.254.169.254"))).isEqualTo("link-local");
        assertThat(PublicAddresses.nonPublicKind(InetAddress.getByName("::ffff:7f00:1"))).isEqualTo("loopback");
    }
}
