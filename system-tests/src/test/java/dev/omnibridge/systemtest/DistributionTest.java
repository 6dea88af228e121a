package dev.omnibridge.systemtest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the build ships: the hub distribution and every plugin zip carry LICENSE (Apache-2.0), NOTICE and a
 * THIRD-PARTY.txt naming, with its licence, every third-party jar they bundle.
 */
class DistributionTest {
    // A THIRD-PARTY.txt line: "     (Apache-2.0) Name (group:artifact:version - url)"
    private static final Pattern LISTED = Pattern.compile("^\\s+(\\(.+\\)) .*\\(([^:()\\s]+):([^:()\\s]+):([^:()\\s]+) - ",
            Pattern.MULTILINE);

    private final Path dist = Path.of(System.getProperty("omnibridge.hub.lib", "target/hub/omnibridge/lib"))
            .toAbsolutePath().getParent();
    private final Path pluginZips = Path.of(System.getProperty("omnibridge.plugin.zips", "target/plugin-zips"))
            .toAbsolutePath();

    @Test
    void theHubDistributionListsEveryBundledJarWithItsLicence() throws IOException {
        assertThat(Files.readString(dist.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0");
        assertThat(Files.readString(dist.resolve("NOTICE"))).contains("Omnibridge").contains("THIRD-PARTY.txt");
        Map<String, String> licences = listed(Files.readString(dist.resolve("THIRD-PARTY.txt")));

        List<String> thirdPartyJars;
        try (Stream<Path> lib = Files.list(dist.resolve("lib"))) {
            thirdPartyJars = lib.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar") && !n.startsWith("omnibridge-")).toList();
        }
        assertThat(thirdPartyJars).isNotEmpty().allSatisfy(jar -> assertThat(licences).containsKey(jar));
        assertThat(licences).containsEntry("camel-api-4.14.0.jar", "(Apache-2.0)");
    }

    @Test
    void theHubDistributionCarriesLinguaWithTheTrigramModelsOnly() throws IOException {
        Path lingua = dist.resolve("lib/lingua-1.2.2.jar");

        try (ZipFile jar = new ZipFile(lingua.toFile())) {
            List<String> models = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("language-models/") && n.endsWith(".json")).toList();
            assertThat(models).contains("language-models/de/trigrams.json", "language-models/pt/trigrams.json")
                    .noneMatch(n -> n.endsWith("/quadrigrams.json") || n.endsWith("/fivegrams.json"));
            assertThat(jar.getEntry("com/github/pemistahl/lingua/api/LanguageDetector.class")).isNotNull();
        }
        assertThat(Files.size(lingua)).as("without the 75 MB of models the hub does not read").isLessThan(10_000_000);
    }

    @Test
    void everyPluginZipCarriesTheLicenceAndListsTheJarsInItsLib() throws IOException {
        List<Path> zips;
        try (Stream<Path> files = Files.list(pluginZips)) {
            zips = files.filter(p -> p.toString().endsWith("-plugin.zip")).sorted().toList();
        }
        assertThat(zips).hasSizeGreaterThanOrEqualTo(11);
        for (Path zip : zips) {
            try (ZipFile z = new ZipFile(zip.toFile())) {
                assertThat(read(z, "LICENSE")).as(zip.toString()).contains("Apache License");
                assertThat(read(z, "NOTICE")).as(zip.toString()).contains("Omnibridge");
                Map<String, String> licences = listed(read(z, "THIRD-PARTY.txt"));
                List<String> bundled = new ArrayList<>();
                z.stream().map(ZipEntry::getName)
                        .filter(n -> n.startsWith("lib/") && n.endsWith(".jar") && !n.startsWith("lib/omnibridge-"))
                        .forEach(n -> bundled.add(n.substring("lib/".length())));
                assertThat(bundled).as(zip + " lib/").allSatisfy(jar -> assertThat(licences).containsKey(jar));
            }
        }
    }

    /** jar file name (artifact-version.jar) -> licences as listed. */
    private static Map<String, String> listed(String thirdParty) {
        Map<String, String> byJar = new HashMap<>();
        Matcher m = LISTED.matcher(thirdParty);
        while (m.find()) {
            byJar.put(m.group(3) + "-" + m.group(4) + ".jar", m.group(1));
        }
        return byJar;
    }

    private static String read(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        assertThat(entry).as(zip.getName() + " has " + name).isNotNull();
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
