package dev.omnibridge.hub.privacy;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Attachment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Done-means 5: with {@code hub.store.encryptionKey} set, neither the database file nor the attachment files hold
 * any of the test's message texts or attachment content (the same scan finds them in a plain store); the hub reads
 * them back after a restart with the key, refuses clearly to start without it or with another, and no admin
 * endpoint shows the key.
 */
class EncryptedStoreTest {
    private static final String KEY = "Zq7-vR2p!Lx9#tB4wK8m";
    private static final String TEXT = "Encrypted hello from Ann, order 7Q3X-ALPHA";
    private static final String CONTENT = "Attachment body that only the key opens: BRAVO-2231";

    @TempDir
    Path dir;
    private PrivacyRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void theStoreFileAndAttachmentsHoldNoneOfTheTextsAndReadBackWithTheKey() throws Exception {
        rig = new PrivacyRig(dir);
        HubConfig config = encrypted(KEY);
        rig.start(config);
        Attachment a = rig.storeAttachment("chat", "note.txt", CONTENT);
        rig.submit("chat", rig.message("chat", "m-1", "t-1", TEXT, List.of(a)));
        assertThat(rig.stored("m-1").path("text").asText()).isEqualTo(TEXT);
        for (String path : List.of("/health", "/metrics", "/api/store", "/api/instances", "/api/stats",
                "/api/messages", "/api/conversations")) {
            assertThat(rig.get(path)).as(path).doesNotContain(KEY);
        }
        assertThat(config.toString()).doesNotContain(KEY);
        rig.stop();

        byte[] stored = rig.storedBytes();
        assertThat(PrivacyRig.contains(stored, "7Q3X-ALPHA")).as("message text in the store's bytes").isFalse();
        assertThat(PrivacyRig.contains(stored, "Encrypted hello")).isFalse();
        assertThat(PrivacyRig.contains(stored, "BRAVO-2231")).as("attachment content on disk").isFalse();
        assertThat(PrivacyRig.contains(stored, "ann@example.com")).as("the customer's address").isFalse();

        rig.start(config);
        assertThat(rig.stored("m-1").path("text").asText()).as("read back with the key").isEqualTo(TEXT);
        assertThat(rig.readAttachment("chat", a)).isEqualTo(CONTENT);
        rig.stop();

        assertThatThrownBy(() -> rig.start(rig.config(List.of("chat"))))
                .hasStackTraceContaining("is encrypted: set hub.store.encryptionKey");
        assertThatThrownBy(() -> rig.start(encrypted("another-Key-9f8e7d6c5b")))
                .hasMessageContaining("does not open with hub.store.encryptionKey")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("another-Key").doesNotContain(KEY));
    }

    @Test
    void withoutAKeyTheSameScanFindsTheTexts() throws Exception {
        rig = new PrivacyRig(dir);
        rig.start(rig.config(List.of("chat")));
        Attachment a = rig.storeAttachment("chat", "note.txt", CONTENT);
        rig.submit("chat", rig.message("chat", "m-1", "t-1", TEXT, List.of(a)));
        rig.stop();

        byte[] stored = rig.storedBytes();
        assertThat(PrivacyRig.contains(stored, "7Q3X-ALPHA")).isTrue();
        assertThat(PrivacyRig.contains(stored, "BRAVO-2231")).isTrue();
        assertThatThrownBy(() -> rig.start(encrypted(KEY))).hasStackTraceContaining("store-key encrypt");
    }

    private HubConfig encrypted(String key) {
        HubConfig plain = rig.config(List.of("chat"));
        return new HubConfig(plain.http(), plain.publicUrl(), plain.dataDir(), plain.pluginsDir(),
                plain.adminToken(), plain.store().withEncryptionKey(key), plain.delivery(), plain.instances(),
                plain.routes());
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
