package dev.omnibridge.hub.knowledge;

import java.nio.file.Path;
import java.util.List;

/**
 * An entry file the base cannot take, with every problem found in it, each saying where: the file, the line and the
 * entry. The messages never quote the file's text beyond entry ids and keys. A file with a problem is taken not at
 * all (never half), so the operator sees the problem instead of missing answers.
 */
public final class KnowledgeFileException extends Exception {
    private final transient Path file;
    private final List<String> problems;

    public KnowledgeFileException(Path file, List<String> problems) {
        super(String.join("; ", problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** One problem: {@code <file name> line <n>: <message>} (no line when {@code line} is 0). */
    public static String at(Path file, int line, String message) {
        return file.getFileName() + (line > 0 ? " line " + line : "") + ": " + message;
    }

    public Path file() {
        return file;
    }

    /** Each problem, with its file name and line. */
    public List<String> problems() {
        return problems;
    }
}
