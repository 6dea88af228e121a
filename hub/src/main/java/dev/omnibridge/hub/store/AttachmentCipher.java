package dev.omnibridge.hub.store;

import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM for attachment files when the store is encrypted. A file is {@code OBAE1\n}, a 12-byte random nonce
 * and the ciphertext with its 16-byte tag; the header is authenticated too. The AES key is derived from
 * {@code hub.store.encryptionKey} with PBKDF2-HMAC-SHA256 (a fixed, purpose-named salt: the key is already a secret
 * of its own; the iterations slow guessing a weak one), once at start-up.
 *
 * <p>Decrypting authenticates the whole file before handing out its first byte (the JDK's GCM works that way): a
 * file altered on disk is an error, never altered content.
 */
public final class AttachmentCipher {
    static final byte[] MAGIC = "OBAE1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int ITERATIONS = 210_000;
    private static final byte[] SALT = "omnibridge attachments v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private AttachmentCipher(SecretKeySpec key) {
        this.key = key;
    }

    /** The cipher for this store key; null when the key is null (attachments stored plain). */
    public static AttachmentCipher of(String storeKey) {
        if (storeKey == null) {
            return null;
        }
        try {
            PBEKeySpec spec = new PBEKeySpec(storeKey.toCharArray(), SALT, ITERATIONS, 256);
            byte[] bytes = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
            return new AttachmentCipher(new SecretKeySpec(bytes, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM key derivation is not available", e);
        }
    }

    /** Whether these first bytes of a file are those of an encrypted attachment. */
    static boolean isEncrypted(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
    }

    /** Writes the header and nonce now; what is written to the stream is encrypted; close it to write the tag. */
    public OutputStream encrypting(OutputStream out) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(MAGIC);
            out.write(MAGIC);
            out.write(nonce);
            return new CipherOutputStream(out, c);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The plain content of a stream positioned after the header (the nonce comes next). */
    public InputStream decrypting(InputStream afterMagic) throws IOException {
        byte[] nonce = afterMagic.readNBytes(NONCE_BYTES);
        if (nonce.length != NONCE_BYTES) {
            throw new IOException("encrypted attachment is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(MAGIC);
            return new CipherInputStream(afterMagic, c);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decrypts a whole encrypted file's content (header included) at once; fails (an {@link IOException}) when the
     * key is not the one it was encrypted with or the file was altered.
     */
    byte[] decryptAll(byte[] file) throws IOException {
        if (!isEncrypted(file) || file.length < MAGIC.length + NONCE_BYTES) {
            throw new IOException("not an encrypted attachment");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, file, MAGIC.length, NONCE_BYTES));
            c.updateAAD(MAGIC);
            return c.doFinal(file, MAGIC.length + NONCE_BYTES, file.length - MAGIC.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IOException("wrong key or altered file (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
