package dev.omnibridge.hub.plugins;

import com.github.zafarkhaja.semver.Version;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version the hub tells PF4J and the range the bundled plugins declare fit together, in java-semver (the
 * library PF4J 3.15 checks {@code plugin.requires} with): the hub's version satisfies the range, the next major
 * version does not, and a -SNAPSHOT would not either (hence the qualifier is dropped).
 */
class PluginApiVersionTest {

    @Test
    void theHubsApiVersionIsThePluginApiModulesVersionAndTheRootPomsProperty() throws Exception {
        assertThat(PluginApiVersion.current()).isEqualTo(text("../plugin-api/pom.xml", "version", 1))
                .isEqualTo(text("../pom.xml", "omnibridge.api.version", 0));
        assertThat(PluginApiVersion.release()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void theBundledPluginsRangeAcceptsThisHubAndRefusesTheNextMajorVersion() throws Exception {
        String range = text("../connectors/pom.xml", "omnibridge.plugin.requires", 0);
        Version hub = Version.valueOf(PluginApiVersion.release());

        assertThat(range).isEqualTo(">=1.1.0 & <2.0.0");
        assertThat(hub.satisfies(range)).isTrue();
        assertThat(Version.valueOf(hub.getMajorVersion() + 1 + ".0.0").satisfies(range)).isFalse();
        assertThat(Version.valueOf("1.0.0").satisfies(range)).as("older than the builders").isFalse();
        assertThat(Version.valueOf(PluginApiVersion.release() + "-SNAPSHOT").satisfies(range))
                .as("why the qualifier is dropped").isFalse();
    }

    @Test
    void theQualifierIsDropped() {
        assertThat(PluginApiVersion.withoutQualifier("1.1.0-SNAPSHOT")).isEqualTo("1.1.0");
        assertThat(PluginApiVersion.withoutQualifier("2.0.0+build.7")).isEqualTo("2.0.0");
        assertThat(PluginApiVersion.withoutQualifier("1.2.3")).isEqualTo("1.2.3");
    }

    /** The {@code index}th element named {@code tag} in the pom. */
    private static String text(String pom, String tag, int index) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File(pom));
        return doc.getElementsByTagName(tag).item(index).getTextContent().strip();
    }
}
