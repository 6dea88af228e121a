package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lenient decoder against the JDK's strict one: same bytes for valid input, and no failure for bad input. */
class LenientBase64InputStreamTest {

    private static byte[] decode(String encoded, boolean[] damaged) throws IOException {
        try (LenientBase64InputStream in = new LenientBase64InputStream(
                new ByteArrayInputStream(encoded.getBytes(StandardCharsets.ISO_8859_1)))) {
            byte[] data = in.readAllBytes();
            damaged[0] = in.damaged();
            return data;
        }
    }

    @Test
    void validMimeBase64DecodesLikeTheJdkWithAndWithoutPadding() throws Exception {
        Random random = new Random(26);
        for (int size = 0; size < 400; size++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            String encoded = Base64.getMimeEncoder().encodeToString(data);
            boolean[] damaged = new boolean[1];

            assertThat(decode(encoded, damaged)).as("size %d", size).isEqualTo(data);
            assertThat(damaged[0]).as("size %d", size).isFalse();
            assertThat(decode(encoded.replace("=", ""), damaged)).as("size %d unpadded", size).isEqualTo(data);
            assertThat(damaged[0]).as("missing padding loses nothing, size %d", size).isFalse();
        }
    }

    @Test
    void concatenatedPaddedPiecesDecodeOneAfterTheOther() throws Exception {
        String pieces = Base64.getEncoder().encodeToString("ab".getBytes(StandardCharsets.US_ASCII))
                + Base64.getEncoder().encodeToString("cde".getBytes(StandardCharsets.US_ASCII));
        boolean[] damaged = new boolean[1];

        assertThat(new String(decode(pieces, damaged), StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(damaged[0]).isFalse();
    }

    @Test
    void aLoneTrailingCharacterIsDamageAndTheRestIsKept() throws Exception {
        String encoded = Base64.getEncoder().encodeToString("abc".getBytes(StandardCharsets.US_ASCII)) + "Q";
        boolean[] damaged = new boolean[1];

        assertThat(new String(decode(encoded, damaged), StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(damaged[0]).isTrue();
    }

    @Test
    void randomGarbageNeverThrows() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(300)];
            random.nextBytes(garbage);
            try (LenientBase64InputStream in = new LenientBase64InputStream(new ByteArrayInputStream(garbage))) {
                assertThat(in.readAllBytes().length).isLessThanOrEqualTo(garbage.length);
            }
        }
    }
}
