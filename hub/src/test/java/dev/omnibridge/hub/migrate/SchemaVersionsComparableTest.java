package dev.omnibridge.hub.migrate;

import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * migrate-store accepts an H2 store whose latest schema version equals the PostgreSQL target's latest (the target
 * also has PostgreSQL-only migrations, so the sets differ). That holds only while every PostgreSQL-only migration is
 * older than the latest portable one: a new migration belongs in {@code db/migration} (issue 25 decision 5: the
 * cluster tables too), a PostgreSQL-only one needs a portable one after it, or StoreMigration's check must change.
 */
class SchemaVersionsComparableTest {
    @Test
    void everyPostgresOnlyMigrationIsOlderThanTheLatestPortableOne() throws Exception {
        List<MigrationVersion> portable = versions("db/migration");
        List<MigrationVersion> postgresOnly = versions("db/migration-postgresql");
        assertFalse(portable.isEmpty(), "no migrations found in db/migration");
        MigrationVersion latestPortable = portable.stream().max(Comparable::compareTo).orElseThrow();
        for (MigrationVersion v : postgresOnly) {
            assertTrue(v.compareTo(latestPortable) < 0, "db/migration-postgresql has V" + v + ", not older than the "
                    + "latest portable V" + latestPortable + ": migrate-store would refuse every H2 store (it compares "
                    + "the latest versions); put the migration in db/migration or change StoreMigration.checkVersions");
        }
        assertFalse(portable.stream().anyMatch(postgresOnly::contains), "a version exists in both locations");
    }

    private static List<MigrationVersion> versions(String location) throws IOException, URISyntaxException {
        Path dir = Path.of(SchemaVersionsComparableTest.class.getClassLoader().getResource(location).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V[0-9_.]+__.*\\.sql"))
                    .map(n -> MigrationVersion.fromVersion(n.substring(1, n.indexOf("__")).replace('_', '.')))
                    .toList();
        }
    }
}
