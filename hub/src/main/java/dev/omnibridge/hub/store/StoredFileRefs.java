package dev.omnibridge.hub.store;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which stored message still holds a file of the attachment storage, for a signed link (issue 24): the file's name
 * and media type as that message gives them. None once every message holding it was purged (retention) or erased
 * (privacy): their bodies then say {@code purged:attachment}, so a link given out before stops opening the file
 * even while other bytes of the same content might be kept.
 */
public final class StoredFileRefs {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final Database database;

    public StoredFileRefs(Database database) {
        this.database = database;
    }

    /**
     * The attachment as the latest message referencing {@code attachment:<sha256>} has it. Scans the bodies that
     * mention it (no index on the body): callers ask only for links whose signature they checked.
     */
    public Optional<Attachment> find(String sha256) throws SQLException {
        if (!SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        String location = "attachment:" + sha256;
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT body FROM messages WHERE body LIKE ? ORDER BY seq DESC",
                     "%\"" + location + "\"%")) {
            ps.setMaxRows(20);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Message m;
                    try {
                        m = CanonicalJson.read(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                    } catch (RuntimeException | dev.omnibridge.model.json.MalformedJsonException e) {
                        continue;
                    }
                    for (Attachment a : m.attachments()) {
                        if (location.equals(a.location().toString())) {
                            return Optional.of(a);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
