package dev.omnibridge.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifiersTest {
    @Test
    void anIdThatFitsIsKeptAsItIs() {
        String id = "a".repeat(500);
        assertThat(Identifiers.bounded(id, 500)).isSameAs(id);
        assertThat(Identifiers.bounded(null, 500)).isNull();
    }

    @Test
    void aLongerIdBecomesItsPrefixAndItsSha256AtExactlyTheLimit() {
        String id = "b".repeat(2000);
        String key = Identifiers.bounded(id, 500);
        assertThat(key).hasSize(500).startsWith("b".repeat(435) + "~").endsWith(Identifiers.sha256Hex(id));
        assertThat(Identifiers.bounded(id, 500)).isEqualTo(key);
    }

    @Test
    void longIdsThatDifferOnlyAfterThePrefixGetDifferentKeys() {
        String common = "c".repeat(1000);
        assertThat(Identifiers.bounded(common + "1", 500)).isNotEqualTo(Identifiers.bounded(common + "2", 500));
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String id = "d".repeat(434) + "\uD83D\uDE00" + "e".repeat(200);
        String key = Identifiers.bounded(id, 500);
        assertThat(key).hasSize(499).startsWith("d".repeat(434) + "~");
        assertThat(key.codePoints().allMatch(cp -> !Character.isSurrogate((char) cp) || cp > 0xFFFF)).isTrue();
    }

    @Test
    void theEmailConnectorsParametersGiveItsFormerIds() {
        String id = "<" + "f".repeat(600) + "@example.com>";
        assertThat(Identifiers.shortened(id, 400, 300)).hasSize(365).isEqualTo(id.substring(0, 300) + "~"
                + Identifiers.sha256Hex(id));
        assertThat(Identifiers.shortened("<short@example.com>", 400, 300)).isEqualTo("<short@example.com>");
    }

    @Test
    void aLimitWithoutRoomForTheDigestIsRefused() {
        assertThatThrownBy(() -> Identifiers.bounded("x", 65)).isInstanceOf(IllegalArgumentException.class);
    }
}
