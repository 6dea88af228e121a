package dev.omnibridge.hub.files;

import dev.omnibridge.hub.delivery.StoredFileLinks;
import dev.omnibridge.model.Attachment;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Expiring signed links to files in the hub's attachment storage (issue 24):
 * {@code <hub.publicUrl>/files/<sha256>?exp=<epoch seconds>&sig=<base64url HMAC-SHA256 of "files/v1", id, exp>}.
 * The signature binds the id to its expiry, so a link opens one file until then and no other; ids are never listed.
 * The expiry is rounded up to the next full hour, so the links written for one file within an hour are the same
 * (a retried reply repeats its text) and stay valid between {@code validity} and {@code validity} + 1 hour.
 */
public final class SignedFileLinks implements StoredFileLinks {
    /** The route's path prefix. */
    public static final String PATH = "/files/";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
    private static final long HOUR = 3600;

    private final SecretKeySpec key;
    private final String base;
    private final Duration validity;
    private final Clock clock;

    /**
     * @param key       the hub's signing key ({@link FileLinkKey})
     * @param publicUrl the hub's address customers can open ({@code hub.publicUrl})
     */
    public SignedFileLinks(byte[] key, URI publicUrl, Duration validity, Clock clock) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.base = publicUrl.toString().replaceAll("/+$", "");
        this.validity = validity;
        this.clock = clock;
    }

    @Override
    public Optional<String> linkFor(Attachment stored) {
        if (!"attachment".equals(stored.location().getScheme())) {
            return Optional.empty();
        }
        String id = stored.location().getSchemeSpecificPart();
        if (id == null || !SHA256.matcher(id).matches()) {
            return Optional.empty();
        }
        long until = clock.instant().plus(validity).getEpochSecond();
        long exp = (until + HOUR - 1) / HOUR * HOUR;
        return Optional.of(base + PATH + id + "?exp=" + exp + "&sig=" + signature(id, exp));
    }

    /**
     * Whether this link is one the hub made and has not expired. Says no more than yes or no: a caller answers
     * every "no" alike.
     */
    public boolean valid(String id, String exp, String sig) {
        if (id == null || exp == null || sig == null || !SHA256.matcher(id).matches() || !EPOCH.matcher(exp).matches()) {
            return false;
        }
        long expiry = Long.parseLong(exp);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(sig);
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean signed = MessageDigest.isEqual(given, mac(id, expiry));
        return signed && clock.instant().getEpochSecond() < expiry;
    }

    private String signature(String id, long exp) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(id, exp));
    }

    private byte[] mac(String id, long exp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(("files/v1\n" + id + "\n" + exp).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
