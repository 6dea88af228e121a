package dev.omnibridge.connector.webchat;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Visitor tokens. An anonymous visitor's token is {@code v1.<conversationKey>.<expiryEpochSeconds>.<signature>},
 * the signature being the base64url HMAC-SHA256 of {@code webchat/v1|<instanceId>|<conversationKey>|<expiry>} under
 * the instance's {@code tokenSecret}. The conversation key (128 random bits) is the conversation's thread key, so a
 * token grants exactly one conversation.
 * <p>
 * A visitor whose email the site vouched for (identity verification) gets
 * {@code v2.<conversationKey>.<expiry>.<sealedEmail>.<signature>} over
 * {@code webchat/v2|<instanceId>|<conversationKey>|<expiry>|<sealedEmail>}: the verified email is part of what is
 * signed, so no request can add one to an anonymous token or swap it, and it survives reloads and hub restarts
 * without server state. It is sealed (AES-256-GCM under a key derived from {@code tokenSecret}) because tokens sit
 * in {@code localStorage} and in WebSocket URLs, where an email must not be readable.
 */
final class TokenSigner {
    static final String PREFIX = "v1";
    static final String VERIFIED_PREFIX = "v2";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern EXPIRY = Pattern.compile("[0-9]{1,12}");
    private static final Pattern SEALED = Pattern.compile("[A-Za-z0-9_-]{40,600}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    /** A sealed email of up to 254 characters fits; anything longer is not ours. */
    private static final int MAX_TOKEN_LENGTH = 700;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Why a token was refused; the reason never echoes the token. */
    enum Problem { MISSING, MALFORMED, BAD_SIGNATURE, EXPIRED }

    /**
     * A token that verified.
     *
     * @param verifiedEmail the email the site vouched for, in the hub's normal form; null for an anonymous visitor
     */
    record Verified(String conversationKey, Instant expiresAt, String verifiedEmail) {
        Verified(String conversationKey, Instant expiresAt) {
            this(conversationKey, expiresAt, null);
        }
    }

    /** Either the verified token or why it was refused. */
    record Result(Verified token, Problem problem) {
        boolean ok() {
            return token != null;
        }
    }

    private final byte[] secret;
    private final SecretKeySpec sealKey;
    private final String instanceId;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    TokenSigner(String secret, String instanceId, Duration ttl, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        // A key of its own for sealing, so the signing key is never used for two purposes.
        this.sealKey = new SecretKeySpec(hmac("webchat/identity-seal".getBytes(StandardCharsets.UTF_8)), "AES");
        this.instanceId = instanceId;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A fresh conversation key: 16 random bytes, base64url. */
    String newConversationKey() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /** An anonymous visitor's token. */
    String issue(String conversationKey) {
        return issue(conversationKey, null);
    }

    /** A token for the conversation, bound to the verified email when there is one. */
    String issue(String conversationKey, String verifiedEmail) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        if (verifiedEmail == null) {
            return PREFIX + "." + conversationKey + "." + expiry + "." + sign(PREFIX, conversationKey, expiry, null);
        }
        String sealed = seal(conversationKey, verifiedEmail);
        return VERIFIED_PREFIX + "." + conversationKey + "." + expiry + "." + sealed + "."
                + sign(VERIFIED_PREFIX, conversationKey, expiry, sealed);
    }

    Result verify(String token) {
        if (token == null || token.isBlank()) {
            return new Result(null, Problem.MISSING);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return new Result(null, Problem.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        boolean anonymous = parts.length == 4 && PREFIX.equals(parts[0]);
        boolean verified = parts.length == 5 && VERIFIED_PREFIX.equals(parts[0]) && SEALED.matcher(parts[3]).matches();
        if (!(anonymous || verified) || !KEY.matcher(parts[1]).matches() || !EXPIRY.matcher(parts[2]).matches()) {
            return new Result(null, Problem.MALFORMED);
        }
        long expiry = Long.parseLong(parts[2]);
        String sealed = verified ? parts[3] : null;
        byte[] expected = sign(parts[0], parts[1], expiry, sealed).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts[parts.length - 1].getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {   // constant time
            return new Result(null, Problem.BAD_SIGNATURE);
        }
        Instant expiresAt = Instant.ofEpochSecond(expiry);
        if (!clock.instant().isBefore(expiresAt)) {
            return new Result(null, Problem.EXPIRED);
        }
        if (!verified) {
            return new Result(new Verified(parts[1], expiresAt), null);
        }
        Optional<String> email = unseal(parts[1], sealed);
        // Signed but not openable: only a token of another build could be; treat it like a foreign token.
        return email.map(e -> new Result(new Verified(parts[1], expiresAt, e), null))
                .orElseGet(() -> new Result(null, Problem.BAD_SIGNATURE));
    }

    private String sign(String version, String conversationKey, long expiry, String sealed) {
        String signed = "webchat/" + version + "|" + instanceId + "|" + conversationKey + "|" + expiry
                + (sealed == null ? "" : "|" + sealed);
        return B64.encodeToString(hmac(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** base64url(nonce | AES-GCM(email)), with the instance and conversation as associated data. */
    private String seal(String conversationKey, String email) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(conversationKey));
            byte[] sealed = cipher.doFinal(email.getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    }

    private Optional<String> unseal(String conversationKey, String sealed) {
        try {
            byte[] bytes = B64_DECODER.decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(conversationKey));
            byte[] email = cipher.doFinal(Arrays.copyOfRange(bytes, NONCE_BYTES, bytes.length));
            return Optional.of(new String(email, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] associatedData(String conversationKey) {
        return ("webchat/identity|" + instanceId + "|" + conversationKey).getBytes(StandardCharsets.UTF_8);
    }

    static Optional<String> problemText(Problem p) {
        return Optional.of(switch (p) {
            case MISSING -> "a visitor token is required (Authorization: Bearer <token> from POST session)";
            case MALFORMED -> "the visitor token is malformed";
            case BAD_SIGNATURE -> "the visitor token is not valid for this chat";
            case EXPIRED -> "the visitor token has expired; start a new session";
        });
    }
}
