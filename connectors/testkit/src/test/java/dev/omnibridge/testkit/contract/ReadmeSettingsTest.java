package dev.omnibridge.testkit.contract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReadmeSettingsTest {
    private static final String TABLE = "| Setting |\n|---|\n| `a` |\n";

    @Test
    void replacesOnlyTheBlockBetweenTheTypesMarkers() {
        String readme = "# x\n\nintro\n<!-- settings:begin acme -->\nold\n<!-- settings:end acme -->\n\n## More\n"
                + "<!-- settings:begin other -->\nkept\n<!-- settings:end other -->\n";

        String updated = ReadmeSettings.withTable(readme, "acme", TABLE);

        assertThat(updated).isEqualTo("# x\n\nintro\n<!-- settings:begin acme -->\n" + TABLE
                + "<!-- settings:end acme -->\n\n## More\n<!-- settings:begin other -->\nkept\n<!-- settings:end other -->\n");
        assertThat(ReadmeSettings.current(updated, "acme")).contains(TABLE);
        assertThat(ReadmeSettings.current(updated, "other")).contains("kept\n");
    }

    @Test
    void withoutMarkersHasNoCurrentTableAndAppendsASettingsSection(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# acme\n");

        assertThat(ReadmeSettings.current("# acme\n", "acme")).isEmpty();
        ReadmeSettings.write(readme, "acme", TABLE);

        String written = Files.readString(readme);
        assertThat(written).startsWith("# acme\n\n## Settings (`acme`)");
        assertThat(ReadmeSettings.current(written, "acme")).contains(TABLE);
    }
}
