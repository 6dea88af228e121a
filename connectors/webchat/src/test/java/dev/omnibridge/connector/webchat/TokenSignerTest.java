package dev.omnibridge.connector.webchat;

import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TokenSignerTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final TokenSigner signer = new TokenSigner(SECRET, "chat", Duration.ofDays(30), clock);

    @Test
    void issuedTokenVerifiesToItsConversation() {
        String key = signer.newConversationKey();
        TokenSigner.Result result = signer.verify(signer.issue(key));
        assertThat(result.ok()).isTrue();
        assertThat(result.token().conversationKey()).isEqualTo(key);
        assertThat(result.token().expiresAt()).isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
    }

    @Test
    void conversationKeysAreRandomAndUrlSafe() {
        String a = signer.newConversationKey();
        assertThat(a).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(signer.newConversationKey());
    }

    @Test
    void anyTamperingIsABadSignature() {
        String key = signer.newConversationKey();
        String token = signer.issue(key);
        String[] p = token.split("\\.");
        String otherKey = signer.newConversationKey();
        // another conversation's key with this token's signature
        assertThat(signer.verify(p[0] + "." + otherKey + "." + p[2] + "." + p[3]).problem())
                .isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
        // a later expiry
        assertThat(signer.verify(p[0] + "." + p[1] + "." + (Long.parseLong(p[2]) + 1) + "." + p[3]).problem())
                .isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
        // one character of the signature
        char last = p[3].charAt(p[3].length() - 1);
        String flipped = p[3].substring(0, p[3].length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(signer.verify(p[0] + "." + p[1] + "." + p[2] + "." + flipped).problem())
                .isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
    }

    @Test
    void tokensOfAnotherInstanceOrSecretDoNotVerify() {
        String key = signer.newConversationKey();
        TokenSigner otherInstance = new TokenSigner(SECRET, "other-chat", Duration.ofDays(30), clock);
        TokenSigner otherSecret = new TokenSigner(SECRET.replace('0', 'x'), "chat", Duration.ofDays(30), clock);
        assertThat(signer.verify(otherInstance.issue(key)).problem()).isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
        assertThat(signer.verify(otherSecret.issue(key)).problem()).isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
    }

    @Test
    void expiresAtItsEnd() {
        String token = signer.issue(signer.newConversationKey());
        clock.advance(Duration.ofDays(30).minusSeconds(1));
        assertThat(signer.verify(token).ok()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(signer.verify(token).problem()).isEqualTo(TokenSigner.Problem.EXPIRED);
    }

    @Test
    void malformedAndMissingTokens() {
        assertThat(signer.verify(null).problem()).isEqualTo(TokenSigner.Problem.MISSING);
        assertThat(signer.verify(" ").problem()).isEqualTo(TokenSigner.Problem.MISSING);
        for (String bad : new String[]{"v1", "v1.a.b.c", "v2.AAAAAAAAAAAAAAAAAAAAAA.1.sig",
                "v1.AAAAAAAAAAAAAAAAAAAAAA.-1.sig", "v1.AAAAAAAAAAAAAAAAAAAAAA.1.sig.extra", "x".repeat(500)}) {
            assertThat(signer.verify(bad).problem()).as(bad).isEqualTo(TokenSigner.Problem.MALFORMED);
        }
    }

    @Test
    void aVerifiedEmailIsSealedIntoTheSignedToken() {
        String key = signer.newConversationKey();
        String token = signer.issue(key, "ann@example.com");
        assertThat(token).startsWith("v2.").doesNotContain("ann").doesNotContain("example");
        TokenSigner.Result result = signer.verify(token);
        assertThat(result.ok()).isTrue();
        assertThat(result.token().conversationKey()).isEqualTo(key);
        assertThat(result.token().verifiedEmail()).isEqualTo("ann@example.com");
        assertThat(signer.verify(signer.issue(key)).token().verifiedEmail()).as("anonymous").isNull();
    }

    @Test
    void aVerifiedEmailCannotBeAddedSwappedOrDropped() {
        String key = signer.newConversationKey();
        String[] ann = signer.issue(key, "ann@example.com").split("\\.");
        String[] bob = signer.issue(signer.newConversationKey(), "bob@example.com").split("\\.");
        String[] anonymous = signer.issue(key).split("\\.");
        // Bob's sealed email in Ann's token
        assertThat(signer.verify(String.join(".", ann[0], ann[1], ann[2], bob[3], ann[4])).problem())
                .isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
        // Ann's sealed email grafted onto an anonymous token of the same conversation
        assertThat(signer.verify(String.join(".", "v2", anonymous[1], anonymous[2], ann[3], anonymous[3])).problem())
                .isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
        // the sealed email dropped: an anonymous token with the verified token's signature
        assertThat(signer.verify(String.join(".", "v1", ann[1], ann[2], ann[4])).problem())
                .isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
        // another instance cannot open or accept it
        TokenSigner otherInstance = new TokenSigner(SECRET, "other-chat", Duration.ofDays(30), clock);
        assertThat(otherInstance.verify(String.join(".", ann)).problem()).isEqualTo(TokenSigner.Problem.BAD_SIGNATURE);
    }
}
