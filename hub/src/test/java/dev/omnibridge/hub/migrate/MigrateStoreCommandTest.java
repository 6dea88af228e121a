package dev.omnibridge.hub.migrate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line of {@code omnibridge migrate-store}: usage, and errors that say what to do. */
class MigrateStoreCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return MigrateStoreCommand.run(args, env::get, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void withoutFromAndToItPrintsTheUsage() {
        assertThat(run(Map.of(), "migrate-store", "--from", dir.toString())).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("migrate-store --from");
    }

    @Test
    void aMissingStoreOrPasswordVariableIsNamed() {
        assertThat(run(Map.of(), "migrate-store", "--from", dir.toString(), "--to", "jdbc:postgresql://h/db"))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no hub store at").contains("hub.dataDir");
        err.reset();
        assertThat(run(Map.of(), "migrate-store", "--from", dir.toString(), "--to", "jdbc:postgresql://h/db",
                "--password-env", "PG_PASSWORD")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("PG_PASSWORD").contains("not set");
    }
}
