package dev.omnibridge.connector.email.mime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps a transfer decoder (quoted-printable, uuencode) that throws on bad input: the bytes decoded before the
 * error are kept and the rest of the part ends there, marked {@link #damaged()}. Mails are parsed from bytes in
 * memory, so an {@link IOException} here is always the decoder's complaint, never a lost connection.
 */
final class SalvagingInputStream extends FilterInputStream implements DecodingReport {

    private boolean damaged;

    SalvagingInputStream(InputStream decoder) {
        super(decoder);
    }

    @Override
    public boolean damaged() {
        return damaged;
    }

    @Override
    public int read() throws IOException {
        if (damaged) {
            return -1;
        }
        try {
            return in.read();
        } catch (IOException | RuntimeException e) {
            damaged = true;
            return -1;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (damaged) {
            return -1;
        }
        // One byte at a time, so that the bytes a decoder produced before it failed are not lost with the batch.
        int n = 0;
        while (n < len) {
            int c = read();
            if (c < 0) {
                break;
            }
            b[off + n++] = (byte) c;
        }
        return n == 0 && len > 0 ? -1 : n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) {
            skipped++;
        }
        return skipped;
    }
}
