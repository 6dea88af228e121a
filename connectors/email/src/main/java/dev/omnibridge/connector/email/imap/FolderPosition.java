package dev.omnibridge.connector.email.imap;

import java.util.Optional;

/**
 * How far a folder has been imported: the folder's UIDVALIDITY and the highest UID stored. Saved in the hub store
 * in the same transaction as the mail it covers, so a crash can neither skip a mail nor import one twice.
 */
record FolderPosition(long uidValidity, long lastUid) {
    static String key(String folder) {
        return "imap:" + folder;
    }

    static Optional<FolderPosition> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int colon = value.indexOf(':');
        try {
            return Optional.of(new FolderPosition(Long.parseLong(value.substring(0, colon)),
                    Long.parseLong(value.substring(colon + 1))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    String format() {
        return uidValidity + ":" + lastUid;
    }
}
