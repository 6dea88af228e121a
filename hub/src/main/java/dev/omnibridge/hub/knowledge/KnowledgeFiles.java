package dev.omnibridge.hub.knowledge;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads an entry file by its extension: {@code .yaml}/{@code .yml} ({@link YamlEntries}), {@code .md}
 * ({@link MarkdownEntries}).
 */
public final class KnowledgeFiles {
    private KnowledgeFiles() {
    }

    /** Whether the file's name says a format the base reads. */
    public static boolean readable(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".md") || name.endsWith(".markdown");
    }

    /**
     * Every entry of the file, checked; any problem rejects the whole file.
     *
     * @param source the entries' source name (shown in the console and the API)
     */
    public static List<KnowledgeEntry> read(Path file, String source) throws KnowledgeFileException {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, 0,
                        "is a directory, not an entry file")));
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, 0, "does not exist ("
                    + file + ")")));
        } catch (CharacterCodingException e) {
            throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, 0, "is not UTF-8 text")));
        } catch (IOException e) {
            throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, 0, "cannot be read ("
                    + e.getClass().getSimpleName() + ")")));
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".md") || name.endsWith(".markdown")) {
            return MarkdownEntries.read(file, text, source);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YamlEntries.read(file, text, source);
        }
        throw new KnowledgeFileException(file, List.of(KnowledgeFileException.at(file, 0,
                "unknown format: entry files end in .yaml, .yml or .md")));
    }
}
