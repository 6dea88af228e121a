package dev.omnibridge.connector.webchat;

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
}
