package dev.omnibridge.hub.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configuration file as a YAML tree and says plainly what is wrong when it can't: a missing file, a
 * directory, or a syntax error at a line and column. The parsers' own messages quote the offending line, which may
 * hold a secret, so only the position and the parser's short description of the problem are kept.
 */
final class YamlFile {
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '([^']*)'");

    private YamlFile() {
    }

    /** A syntax error; its message names the line and column and never quotes the file's text. */
    static final class SyntaxError extends IOException {
        SyntaxError(String message) {
            super(message);
        }
    }

    /** Why the file can't be read at all, in plain words, or empty when it can. */
    static Optional<String> unreadable(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of(file + " is a directory, not a configuration file");
        }
        if (!Files.exists(file)) {
            return Optional.of("configuration file " + file + " does not exist");
        }
        if (!Files.isReadable(file)) {
            return Optional.of("configuration file " + file + " cannot be read (permission denied)");
        }
        return Optional.empty();
    }

    static JsonNode read(Path file) throws IOException {
        // A key given twice is almost always a mistake (two settings: blocks); YAML readers keep the last silently.
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
        try {
            return yaml.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new SyntaxError(describe(e));
        }
    }

    private static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark mark = marked.getProblemMark();
            return "YAML syntax error at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
                    + marked.getProblem()
                    + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")");
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE_FIELD.matcher(original);
        if (duplicate.find()) {
            return "YAML syntax error" + where + ": key '" + duplicate.group(1) + "' is given twice";
        }
        // Jackson's own messages may quote a token of the file: keep only the kind of problem.
        String kind = e instanceof StreamReadException ? "unreadable YAML" : e.getClass().getSimpleName();
        return "YAML syntax error" + where + ": " + kind;
    }
}
