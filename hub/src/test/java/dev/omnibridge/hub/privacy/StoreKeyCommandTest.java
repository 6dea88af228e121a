package dev.omnibridge.hub.privacy;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Attachment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code omnibridge store-key}: the documented procedure on a real store with a message and an attachment. A plain
 * store is encrypted, its key rotated (twice: the second run finds the work done), and decrypted again; after each
 * step the hub starts with the configuration the procedure says and reads the message and attachment back. The
 * command refuses while the hub runs and never prints a key.
 */
class StoreKeyCommandTest {
    private static final String KEY = "first-Key-4f9a8b7c6d";
    private static final String NEW_KEY = "second-Key-1e2d3c4b5a";
    private static final String TEXT = "Rotating hello, reference CHARLIE-5521";
    private static final String CONTENT = "Attachment through every key: DELTA-8817";

    @TempDir
    Path dir;
    private PrivacyRig rig;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void encryptRotateAndDecryptKeepTheStoreReadable() throws Exception {
        rig = new PrivacyRig(dir);
        rig.start(withKey(null));
        Attachment a = rig.storeAttachment("chat", "note.txt", CONTENT);
        rig.submit("chat", rig.message("chat", "m-1", "t-1", TEXT, List.of(a)));
        assertThat(run("encrypt", withKey(KEY), Map.of())).as("refused while the hub runs").isEqualTo(1);
        assertThat(printed()).contains("stop the hub first");
        rig.stop();

        assertThat(run("encrypt", withKey(KEY), Map.of())).as(printed()).isZero();
        assertThat(printed()).contains("store file encrypted").contains("attachment files encrypted: 1");
        assertNoTextOnDisk();
        assertReadableWith(KEY, a);

        assertThat(run("rotate", withKey(KEY), Map.of(StoreKeys.NEW_KEY_ENV, NEW_KEY))).as(printed()).isZero();
        assertThat(printed()).contains("re-encrypted with the new key").contains("attachment files re-encrypted: 1");
        assertNoTextOnDisk();
        assertThatThrownBy(() -> rig.start(withKey(KEY))).hasMessageContaining("does not open");
        assertReadableWith(NEW_KEY, a);
        assertThat(run("rotate", withKey(KEY), Map.of(StoreKeys.NEW_KEY_ENV, NEW_KEY)))
                .as("run again after an interruption: the work is found done").isZero();
        assertThat(printed()).contains("already encrypted with the new key").contains("re-encrypted: 0");

        assertThat(run("decrypt", withKey(NEW_KEY), Map.of())).as(printed()).isZero();
        assertThat(printed()).contains("store file decrypted").contains("attachment files decrypted: 1");
        assertReadableWith(null, a);
        assertThat(PrivacyRig.contains(rig.storedBytes(), "CHARLIE-5521")).as("plain again").isTrue();
        assertThat(PrivacyRig.contains(rig.storedBytes(), "DELTA-8817")).isTrue();
        assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain(KEY).doesNotContain(NEW_KEY);
    }

    @Test
    void aWeakOrMissingNewKeyIsRefusedWithoutPrintingIt() throws Exception {
        rig = new PrivacyRig(dir);
        rig.start(withKey(KEY));
        rig.submit("chat", rig.message("chat", "m-1", "t-1", TEXT, List.of()));
        rig.stop();

        assertThat(run("rotate", withKey(KEY), Map.of())).isEqualTo(1);
        assertThat(printed()).contains(StoreKeys.NEW_KEY_ENV);
        assertThat(run("rotate", withKey(KEY), Map.of(StoreKeys.NEW_KEY_ENV, "short key"))).isEqualTo(1);
        assertThat(printed()).contains("must not contain spaces").doesNotContain("short key");
        assertThat(run("encrypt", withKey(NEW_KEY), Map.of())).isEqualTo(1);
        assertThat(printed()).contains("encrypted with another key");
        assertThat(run("shred", withKey(KEY), Map.of())).isEqualTo(64);
        assertReadableWith(KEY, null);
    }

    private int run(String action, HubConfig config, Map<String, String> env) {
        output.reset();
        return StoreKeyCommand.run(action, config, env::get, new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private void assertNoTextOnDisk() throws Exception {
        byte[] stored = rig.storedBytes();
        assertThat(PrivacyRig.contains(stored, "CHARLIE-5521")).as("message text on disk").isFalse();
        assertThat(PrivacyRig.contains(stored, "DELTA-8817")).as("attachment content on disk").isFalse();
    }

    private void assertReadableWith(String key, Attachment a) throws Exception {
        rig.start(withKey(key));
        try {
            assertThat(rig.stored("m-1").path("text").asText()).isEqualTo(TEXT);
            if (a != null) {
                assertThat(rig.readAttachment("chat", a)).isEqualTo(CONTENT);
            }
        } finally {
            rig.stop();
        }
    }

    private HubConfig withKey(String key) {
        HubConfig plain = rig.config(List.of("chat"));
        return new HubConfig(plain.http(), plain.publicUrl(), plain.dataDir(), plain.pluginsDir(),
                plain.adminToken(), plain.store().withEncryptionKey(key), plain.delivery(), plain.instances(),
                plain.routes());
    }
}
