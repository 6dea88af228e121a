package dev.omnibridge.connector.email.mime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes base64 the way mail clients do: characters outside the alphabet are skipped, a padding character in the
 * middle ends the current group and decoding goes on (concatenated encoded pieces), and a last group without its
 * padding still yields its bytes. It never throws for bad input, so one damaged character costs at most the bytes
 * of its own group instead of the whole mail.
 *
 * <p>Missing padding loses nothing and is not counted as damage; skipped characters, misplaced padding and a lone
 * trailing character (whose bits cannot make a byte) are, see {@link #damaged()}.
 */
final class LenientBase64InputStream extends FilterInputStream implements DecodingReport {

    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private final byte[] buffer = new byte[4096];
    private final byte[] out = new byte[3];
    private int inPos;
    private int inLen;
    private int outPos;
    private int outLen;
    private int bits;
    private int groupSize;
    private boolean eof;
    private boolean damaged;
    private boolean afterPadding;

    LenientBase64InputStream(InputStream encoded) {
        super(encoded);
    }

    @Override
    public boolean damaged() {
        return damaged;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            if (outPos < outLen) {
                b[off + n++] = out[outPos++];
                continue;
            }
            if (!decodeGroup()) {
                break;
            }
        }
        return n == 0 ? -1 : n;
    }

    /** Fills {@link #out} with the next group's bytes; false at the end of the input. */
    private boolean decodeGroup() throws IOException {
        outPos = 0;
        outLen = 0;
        while (outLen == 0) {
            int c = nextChar();
            if (c < 0) {
                flushPartial();
                return outLen > 0;
            }
            if (c == '=') {
                // Padding ends the group: after two or three characters, or after padding, it is where it belongs.
                if (groupSize == 0 && !afterPadding) {
                    damaged = true;
                }
                flushPartial();
                afterPadding = true;
                continue;
            }
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                if (!isWhitespace(c)) {
                    damaged = true;
                }
                continue;
            }
            afterPadding = false;
            bits = (bits << 6) | v;
            if (++groupSize == 4) {
                out[0] = (byte) (bits >> 16);
                out[1] = (byte) (bits >> 8);
                out[2] = (byte) bits;
                outLen = 3;
                bits = 0;
                groupSize = 0;
            }
        }
        return true;
    }

    /** The bytes of an unfinished group: two characters make one byte, three make two, one makes none. */
    private void flushPartial() {
        if (groupSize == 2) {
            out[0] = (byte) (bits >> 4);
            outLen = 1;
        } else if (groupSize == 3) {
            out[0] = (byte) (bits >> 10);
            out[1] = (byte) (bits >> 2);
            outLen = 2;
        } else if (groupSize == 1) {
            damaged = true;
        }
        bits = 0;
        groupSize = 0;
    }

    private int nextChar() throws IOException {
        if (inPos == inLen) {
            if (eof) {
                return -1;
            }
            inLen = in.read(buffer, 0, buffer.length);
            inPos = 0;
            if (inLen <= 0) {
                eof = true;
                inLen = 0;
                return -1;
            }
        }
        return buffer[inPos++] & 0xFF;
    }

    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) {
            skipped++;
        }
        return skipped;
    }

    @Override
    public int available() {
        return outLen - outPos;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
