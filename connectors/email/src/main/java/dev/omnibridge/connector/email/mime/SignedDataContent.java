package dev.omnibridge.connector.email.mime;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Takes the signed content out of an opaque S/MIME signed-data part, without verifying the signature: the hub shows
 * the content of multipart/signed mail unverified too, and the signature itself stays with the original mail.
 *
 * <p>Only the ASN.1 structure is read (RFC 5652 5.1, BER as Outlook writes it, indefinite lengths and chunked
 * OCTET STRINGs included): ContentInfo {signedData, [0] SignedData {version, digestAlgorithms,
 * EncapsulatedContentInfo {id-data, [0] OCTET STRING}, ...}}. Anything else gives null, and the caller keeps the
 * part as an attachment.
 */
final class SignedDataContent {

    private static final byte[] SIGNED_DATA = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x07,
            0x02};
    private static final byte[] DATA = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x07, 0x01};
    private static final int SEQUENCE = 0x30;
    private static final int OID = 0x06;
    private static final int OCTETS = 0x04;
    private static final int CONSTRUCTED_OCTETS = 0x24;
    private static final int EXPLICIT_0 = 0xA0;
    /** Deeper nesting than any real signed-data has; stops hostile input from recursing without end. */
    private static final int MAX_DEPTH = 32;

    private SignedDataContent() {
    }

    /** The encapsulated MIME entity, or null when the data is not attached signed-data of id-data content. */
    static byte[] extract(byte[] der) {
        try {
            Tlv contentInfo = Tlv.read(der, 0, 0);
            List<Tlv> info = contentInfo.children(der, SEQUENCE);
            if (info.size() < 2 || !info.get(0).is(der, OID, SIGNED_DATA)) {
                return null;
            }
            List<Tlv> signedData = only(info.get(1).children(der, EXPLICIT_0)).children(der, SEQUENCE);
            if (signedData.size() < 3) {
                return null;
            }
            List<Tlv> encapsulated = signedData.get(2).children(der, SEQUENCE);
            if (encapsulated.size() < 2 || !encapsulated.get(0).is(der, OID, DATA)) {
                return null; // detached signature, or content that is not a MIME entity
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            only(encapsulated.get(1).children(der, EXPLICIT_0)).octets(der, out, 0);
            return out.toByteArray();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static Tlv only(List<Tlv> elements) {
        if (elements.size() != 1) {
            throw new IllegalArgumentException("expected one element");
        }
        return elements.get(0);
    }

    /** One BER element: its tag, where its content starts and ends, and where the next element starts. */
    private record Tlv(int tag, int start, int end, int next) {

        static Tlv read(byte[] d, int pos, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("nested too deeply");
            }
            int tag = d[pos] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new IllegalArgumentException("multi-byte tags do not occur in signed-data");
            }
            int first = d[pos + 1] & 0xFF;
            int p = pos + 2;
            if (first == 0x80) { // indefinite: constructed content up to the end-of-contents octets 00 00
                if ((tag & 0x20) == 0) {
                    throw new IllegalArgumentException("indefinite length on a primitive element");
                }
                int q = p;
                while (d[q] != 0 || d[q + 1] != 0) {
                    q = read(d, q, depth + 1).next;
                }
                return new Tlv(tag, p, q, q + 2);
            }
            long length = first;
            if (first > 0x80) {
                int n = first & 0x7F;
                if (n > 4) {
                    throw new IllegalArgumentException("length too large");
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (d[p++] & 0xFF);
                }
            }
            if (length > d.length - p) {
                throw new IllegalArgumentException("length beyond the data");
            }
            return new Tlv(tag, p, p + (int) length, p + (int) length);
        }

        List<Tlv> children(byte[] d, int expectedTag) {
            if (tag != expectedTag) {
                throw new IllegalArgumentException("unexpected tag");
            }
            List<Tlv> children = new ArrayList<>();
            for (int p = start; p < end; ) {
                Tlv child = read(d, p, 1);
                children.add(child);
                p = child.next;
            }
            return children;
        }

        boolean is(byte[] d, int expectedTag, byte[] value) {
            return tag == expectedTag && Arrays.equals(d, start, end, value, 0, value.length);
        }

        /** The bytes of an OCTET STRING, joining the chunks of a constructed one. */
        void octets(byte[] d, ByteArrayOutputStream out, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("nested too deeply");
            }
            if (tag == OCTETS) {
                out.write(d, start, end - start);
            } else if (tag == CONSTRUCTED_OCTETS) {
                for (Tlv chunk : children(d, CONSTRUCTED_OCTETS)) {
                    chunk.octets(d, out, depth + 1);
                }
            } else {
                throw new IllegalArgumentException("not an OCTET STRING");
            }
        }
    }
}
