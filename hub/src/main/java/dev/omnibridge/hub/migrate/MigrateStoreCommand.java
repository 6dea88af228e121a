package dev.omnibridge.hub.migrate;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code omnibridge migrate-store --from <H2 data dir> --to <jdbc url> [--user U] [--password-env VAR]
 * [--key-env VAR]}: the password and the store key are read from environment variables, never from the command
 * line (OMNIBRIDGE_STORE_KEY by default for the key).
 */
public final class MigrateStoreCommand {
    public static final String USAGE = "       omnibridge migrate-store --from <H2 data dir> "
            + "--to <jdbc:postgresql url> [--user U] [--password-env VAR] [--key-env VAR]\n";

    private MigrateStoreCommand() {
    }

    /** The exit status: 0 copied and verified, 1 failed or refused, 64 usage. */
    public static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("usage:\n" + USAGE);
                return 64;
            }
            flags.put(args[i].substring(2), args[i + 1]);
        }
        if (!flags.containsKey("from") || !flags.containsKey("to")) {
            err.println("usage:\n" + USAGE);
            return 64;
        }
        String passwordEnv = flags.get("password-env");
        String password = passwordEnv == null ? "" : env.apply(passwordEnv);
        if (passwordEnv != null && password == null) {
            err.println("the variable " + passwordEnv + " (--password-env) is not set");
            return 1;
        }
        String key = env.apply(flags.getOrDefault("key-env", "OMNIBRIDGE_STORE_KEY"));
        StoreMigration migration = new StoreMigration(new StoreMigration.Options(Path.of(flags.get("from")),
                flags.get("to"), flags.getOrDefault("user", ""), password, key == null || key.isEmpty() ? null : key),
                out);
        try {
            return migration.report(migration.run());
        } catch (StoreMigration.MigrationException e) {
            err.println("migrate-store: " + e.getMessage());
            return 1;
        }
    }
}
