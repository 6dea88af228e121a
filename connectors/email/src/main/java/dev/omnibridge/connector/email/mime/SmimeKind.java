package dev.omnibridge.connector.email.mime;

import java.util.Locale;

/**
 * What an opaque S/MIME part (application/pkcs7-mime) holds: encrypted or signed content, or something the agent
 * does not miss (certificates only, compressed data), which is an attachment like any other.
 *
 * <p>The {@code smime-type} parameter says it (RFC 8551 3.2.2); older clients leave it out, and then the CMS
 * content type at the start of the DER data does (RFC 5652 3: ContentInfo begins with the content type OID). Only
 * the OID is looked at: no crypto, no parsing of the rest.
 */
enum SmimeKind {
    ENCRYPTED("the content is encrypted (S/MIME) and cannot be read by the hub"),
    SIGNED("the content is signed with S/MIME in the opaque form (signed-data) and could not be unwrapped"),
    OTHER(null);

    /** DER of the OIDs id-envelopedData (1.2.840.113549.1.7.3) and id-signedData (1.2.840.113549.1.7.2). */
    private static final byte[] ENVELOPED_OID = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D,
            0x01, 0x07, 0x03};
    private static final byte[] SIGNED_OID = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D,
            0x01, 0x07, 0x02};
    /** id-ct-authEnvelopedData (1.2.840.113549.1.9.16.1.23), RFC 5083. */
    private static final byte[] AUTH_ENVELOPED_OID = {0x06, 0x0B, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7,
            0x0D, 0x01, 0x09, 0x10, 0x01, 0x17};
    /** ContentInfo's SEQUENCE header is at most 6 bytes (tag, long length), then the OID. */
    private static final int OID_WINDOW = 8;

    /** The note for the agent when the content cannot be shown, or null. */
    final String note;

    SmimeKind(String note) {
        this.note = note;
    }

    /** @param smimeType the smime-type parameter or null; @param data the decoded part, or null when not kept */
    static SmimeKind of(String smimeType, byte[] data) {
        String declared = smimeType == null ? "" : smimeType.trim().toLowerCase(Locale.ROOT);
        switch (declared) {
            case "enveloped-data", "authenveloped-data":
                return ENCRYPTED;
            case "signed-data":
                return SIGNED;
            case "":
                break;
            default:
                return OTHER; // certs-only, compressed-data: an attachment like any other
        }
        if (data == null) {
            return OTHER;
        }
        if (startsWithOid(data, ENVELOPED_OID) || startsWithOid(data, AUTH_ENVELOPED_OID)) {
            return ENCRYPTED;
        }
        return startsWithOid(data, SIGNED_OID) ? SIGNED : OTHER;
    }

    private static boolean startsWithOid(byte[] data, byte[] oid) {
        for (int at = 2; at <= OID_WINDOW && at + oid.length <= data.length; at++) {
            if (java.util.Arrays.equals(data, at, at + oid.length, oid, 0, oid.length)) {
                return true;
            }
        }
        return false;
    }
}
