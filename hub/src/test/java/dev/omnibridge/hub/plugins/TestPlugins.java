package dev.omnibridge.hub.plugins;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small plugins for tests: compiles sources with the test class path and packs PF4J plugin zips. */
final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * Compiles Java sources (file path relative to the source root, e.g. {@code com/acme/Own.java} -> text)
     * into {@code out}, against the test class path.
     */
    static Path compile(Path workDir, Path out, Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(workDir.resolve("src-" + System.nanoTime()));
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", out.toString(), "-cp",
                System.getProperty("java.class.path"), "--release", "17"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test plugin does not compile:\n" + errors);
        }
        return out;
    }

    /** A connector type extension named {@code typeName}, in package {@code pkg}. */
    static String connectorType(String pkg, String className, String typeName) {
        return """
                package %s;

                @org.pf4j.Extension
                public class %s implements dev.omnibridge.spi.ConnectorType {
                    public String name() { return "%s"; }
                    public String description() { return "test connector"; }
                    public dev.omnibridge.config.ConfigDef config() { return dev.omnibridge.config.ConfigDef.create(); }
                    public dev.omnibridge.spi.Connector create() { return null; }
                }
                """.formatted(pkg, className, typeName);
    }

    /**
     * Writes a PF4J plugin zip: {@code plugin.properties}, {@code classes/} (the compiled classes and an
     * extension index naming {@code extensionClasses}).
     */
    static Path pluginZip(Path zip, String pluginId, Path classes, String... extensionClasses) throws IOException {
        return pluginZip(zip, pluginId, "1.2.3", "", classes, extensionClasses);
    }

    /** As above, with the plugin's version and its {@code plugin.requires} (the plugin API range it needs). */
    static Path pluginZip(Path zip, String pluginId, String version, String requires, Path classes,
                          String... extensionClasses) throws IOException {
        Files.createDirectories(zip.getParent());
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            put(z, "plugin.properties", ("plugin.id=" + pluginId + "\nplugin.version=" + version + "\n"
                    + "plugin.requires=" + requires + "\n"
                    + "plugin.provider=Acme\nplugin.description=test plugin\n").getBytes());
            put(z, "classes/META-INF/extensions.idx", (String.join("\n", extensionClasses) + "\n").getBytes());
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    put(z, "classes/" + classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                }
            }
        }
        return zip;
    }

    private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }
}
