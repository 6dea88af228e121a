package dev.omnibridge.hub.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hub's link-signing key: made once, kept across starts, readable by the hub's user only. */
class FileLinkKeyTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsMadeOnceAndKeptAcrossStarts() throws Exception {
        byte[] first = FileLinkKey.loadOrCreate(dir);
        assertThat(first).hasSize(32);
        assertThat(FileLinkKey.loadOrCreate(dir)).isEqualTo(first);
        Path file = dir.resolve(FileLinkKey.FILE);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(file))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }

    @Test
    void anEmptyKeyFileIsReplacedAndAnUnreadableOneStopsTheStart() throws Exception {
        Path file = dir.resolve(FileLinkKey.FILE);
        Files.createFile(file);
        assertThat(FileLinkKey.loadOrCreate(dir)).hasSize(32);

        Files.writeString(file, "not base64 !");
        assertThatThrownBy(() -> FileLinkKey.loadOrCreate(dir)).hasMessageContaining("delete it to make a new one");
    }
}
