package dev.omnibridge.spi;

import japicmp.cmp.JApiCmpArchive;
import japicmp.cmp.JarArchiveComparator;
import japicmp.cmp.JarArchiveComparatorOptions;
import japicmp.config.Options;
import japicmp.exception.JApiCmpException;
import japicmp.model.AccessModifier;
import japicmp.model.JApiClass;
import japicmp.model.JApiCompatibilityChange;
import japicmp.model.JApiCompatibilityChangeType;
import japicmp.model.JApiSemanticVersionLevel;
import japicmp.output.incompatible.IncompatibleErrorOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary-compatibility check of {@code mvn verify} (japicmp-maven-plugin in plugin-api/pom.xml) catches a
 * deliberately broken API change: two small versions of an API are compiled here and compared with japicmp's own
 * library, under the rules read from that pom (access level, semantic-versioning break, overridden change kinds), and
 * judged by the same class the plugin uses to fail the build ({@link IncompatibleErrorOutput}).
 */
class ApiCompatibilityRulesTest {

    @TempDir
    Path dir;

    @Test
    void aRecordWhoseConstructorChangesIsBinaryIncompatibleAndNeedsANewMajorVersion() throws Exception {
        Path v1 = jar("v1", Map.of("api.Result", "package api; public record Result(String ticketRef) {}"));
        Path v2 = jar("v2", Map.of("api.Result",
                "package api; public record Result(String ticketRef, String itemId) {}"));

        List<JApiClass> classes = compare(v1, "1.0.0", v2, "1.1.0");

        JApiClass result = only(classes, "api.Result");
        assertThat(result.isBinaryCompatible()).isFalse();
        assertThat(changes(result)).contains(JApiCompatibilityChangeType.CONSTRUCTOR_REMOVED);
        assertThatThrownBy(() -> judge(classes, v1, "1.0.0", v2, "1.1.0"))
                .isInstanceOf(JApiCmpException.class)
                .hasMessageContaining("minor change but binary incompatible changes found");
        assertThatCode(() -> judge(compare(v1, "1.0.0", v2, "2.0.0"), v1, "1.0.0", v2, "2.0.0"))
                .as("a new major version may break").doesNotThrowAnyException();
    }

    @Test
    void anAbstractMethodAddedToAnInterfaceIsBreakingForPluginsThatImplementIt() throws Exception {
        Path v1 = jar("v1", Map.of("api.Connector", "package api; public interface Connector { void start(); }"));
        Path v2 = jar("v2", Map.of("api.Connector",
                "package api; public interface Connector { void start(); void pause(); }"));

        List<JApiClass> classes = compare(v1, "1.0.0", v2, "1.1.0");

        JApiClass connector = only(classes, "api.Connector");
        assertThat(connector.isBinaryCompatible()).isFalse();
        assertThat(changes(connector)).contains(JApiCompatibilityChangeType.METHOD_ADDED_TO_INTERFACE);
        assertThatThrownBy(() -> judge(classes, v1, "1.0.0", v2, "1.1.0"))
                .isInstanceOf(JApiCmpException.class)
                .hasMessageContaining("binary incompatible");
    }

    @Test
    void aDefaultMethodAndANewFactoryAreAdditionsThatPassWithANewMinorVersionOnly() throws Exception {
        Path v1 = jar("v1", Map.of(
                "api.Connector", "package api; public interface Connector { void start(); }",
                "api.Result", "package api; public record Result(String ticketRef) {}"));
        Path v2 = jar("v2", Map.of(
                "api.Connector", "package api; public interface Connector { void start(); default void pause() {} }",
                "api.Result", "package api; public record Result(String ticketRef) {"
                        + " public static Result of(String ticketRef) { return new Result(ticketRef); } }"));

        List<JApiClass> classes = compare(v1, "1.0.0", v2, "1.1.0");

        assertThat(classes).allSatisfy(c -> assertThat(c.isBinaryCompatible()).as(c.getFullyQualifiedName()).isTrue());
        assertThat(changes(only(classes, "api.Connector"))).contains(JApiCompatibilityChangeType.METHOD_NEW_DEFAULT);
        assertThatCode(() -> judge(classes, v1, "1.0.0", v2, "1.1.0")).doesNotThrowAnyException();
        assertThatThrownBy(() -> judge(compare(v1, "1.0.0", v2, "1.0.1"), v1, "1.0.0", v2, "1.0.1"))
                .as("an addition is more than a patch")
                .isInstanceOf(JApiCmpException.class)
                .hasMessageContaining("patch change but binary compatible changes found");
    }

    // ---- the build's rules, read from plugin-api/pom.xml ----

    /** The {@code <parameter>} block of the japicmp-maven-plugin in this module's pom. */
    private static Element buildParameters() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("pom.xml"));
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("japicmp-maven-plugin".equals(text(plugin, "artifactId"))) {
                return (Element) plugin.getElementsByTagName("parameter").item(0);
            }
        }
        throw new AssertionError("no japicmp-maven-plugin in plugin-api/pom.xml");
    }

    private static String text(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    private static JarArchiveComparatorOptions comparatorOptions(Element parameters) {
        JarArchiveComparatorOptions options = new JarArchiveComparatorOptions();
        options.setAccessModifier(AccessModifier.valueOf(text(parameters, "accessModifier").toUpperCase()));
        NodeList overrides = parameters.getElementsByTagName("overrideCompatibilityChangeParameter");
        assertThat(overrides.getLength()).as("overridden change kinds in the pom").isPositive();
        for (int i = 0; i < overrides.getLength(); i++) {
            Element o = (Element) overrides.item(i);
            options.addOverrideCompatibilityChange(new JarArchiveComparatorOptions.OverrideCompatibilityChange(
                    JApiCompatibilityChangeType.valueOf(text(o, "compatibilityChange")),
                    Boolean.parseBoolean(text(o, "binaryCompatible")),
                    Boolean.parseBoolean(text(o, "sourceCompatible")),
                    JApiSemanticVersionLevel.valueOf(text(o, "semanticVersionLevel"))));
        }
        return options;
    }

    private static List<JApiClass> compare(Path oldJar, String oldVersion, Path newJar, String newVersion)
            throws Exception {
        JarArchiveComparator comparator = new JarArchiveComparator(comparatorOptions(buildParameters()));
        return comparator.compare(new JApiCmpArchive(oldJar.toFile(), oldVersion),
                new JApiCmpArchive(newJar.toFile(), newVersion));
    }

    /** What fails the build: throws {@link JApiCmpException} exactly when {@code mvn verify} would stop. */
    private static void judge(List<JApiClass> classes, Path oldJar, String oldVersion, Path newJar,
                              String newVersion) throws Exception {
        Element parameters = buildParameters();
        assertThat(text(parameters, "breakBuildBasedOnSemanticVersioning")).isEqualTo("true");
        Options options = Options.newDefault();
        options.setErrorOnSemanticIncompatibility(true);
        options.setErrorOnBinaryIncompatibility(
                Boolean.parseBoolean(text(parameters, "breakBuildOnBinaryIncompatibleModifications")));
        options.setOldArchives(List.of(new JApiCmpArchive(oldJar.toFile(), oldVersion)));
        options.setNewArchives(List.of(new JApiCmpArchive(newJar.toFile(), newVersion)));
        JarArchiveComparator comparator = new JarArchiveComparator(comparatorOptions(parameters));
        new IncompatibleErrorOutput(options, classes, comparator).generate();
    }

    // ---- fixtures ----

    private static JApiClass only(List<JApiClass> classes, String name) {
        return classes.stream().filter(c -> c.getFullyQualifiedName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not compared"));
    }

    /** Every change kind japicmp found on the class and its members. */
    private static List<JApiCompatibilityChangeType> changes(JApiClass c) {
        List<JApiCompatibilityChange> all = new ArrayList<>(c.getCompatibilityChanges());
        c.getConstructors().forEach(k -> all.addAll(k.getCompatibilityChanges()));
        c.getMethods().forEach(m -> all.addAll(m.getCompatibilityChanges()));
        return all.stream().map(JApiCompatibilityChange::getType).toList();
    }

    /** Compiles the sources (class name to source) and jars the classes. */
    private Path jar(String name, Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(dir.resolve(name + "-src"));
        Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, args.toArray(String[]::new));
        assertThat(status).as("fixture compiles: %s", errors).isZero();
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        }
        return jar;
    }
}
