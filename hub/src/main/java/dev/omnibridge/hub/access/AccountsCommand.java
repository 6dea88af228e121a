package dev.omnibridge.hub.access;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code omnibridge accounts create --config <file> --email <e> --name <n> --role admin|agent|viewer}: creates an
 * account in the store, e.g. the first admin of a hub set up by a script. The password comes from the environment
 * variable {@value #PASSWORD_ENV} (never an argument: it would show in the process list and shell history). Run it
 * while the hub is stopped (the embedded store is one process's; a running hub reads its accounts at start-up).
 */
public final class AccountsCommand {
    public static final String PASSWORD_ENV = "OMNIBRIDGE_ACCOUNT_PASSWORD";
    public static final String USAGE = "omnibridge accounts create --config <file.yaml> --email <email> "
            + "--name <name> --role admin|agent|viewer   (password in $" + PASSWORD_ENV + ")";

    private AccountsCommand() {
    }

    /** @param options the flags after {@code accounts create}, without {@code --config} */
    public static int create(HubConfig config, Map<String, String> options, Function<String, String> env,
                             PrintStream out) {
        String password = env.apply(PASSWORD_ENV);
        if (password == null || password.isEmpty()) {
            out.println("ERROR set the password in $" + PASSWORD_ENV);
            return 1;
        }
        Principal.Role role;
        try {
            role = Principal.Role.valueOf(options.getOrDefault("role", "").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            out.println("ERROR --role must be admin, agent or viewer");
            return 64;
        }
        try (Database database = Database.open(config.store(), config.dataDir(), 4);
             Journal journal = new Journal(database)) {
            Clock clock = Clock.systemUTC();
            AuditTrail audit = new AuditTrail(journal, database, clock);
            Sessions sessions = new Sessions(journal, clock, Duration.ofMinutes(1), Duration.ofMinutes(1));
            Accounts accounts = new Accounts(journal, database, audit, clock, sessions);
            accounts.load();
            Principal cli = new Principal("cli", "omnibridge accounts", Principal.Role.ADMIN, Principal.Kind.TOKEN);
            Account a = accounts.create(cli, options.get("email"), options.get("name"), role, password);
            out.println("created account " + a.id() + " (" + role.name().toLowerCase(Locale.ROOT) + ")");
            return 0;
        } catch (AccessException e) {
            out.println("ERROR " + e.getMessage());
            return 1;
        } catch (Exception e) {
            out.println("ERROR cannot open the store (is the hub still running?): " + e.getClass().getSimpleName());
            return 1;
        }
    }

    /** {@code --key value} pairs; null when an argument is not one. */
    public static Map<String, String> flags(String[] args, int from) {
        Map<String, String> flags = new HashMap<>();
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return null;
            }
            flags.put(args[i].substring(2), args[i + 1]);
        }
        return flags;
    }
}
