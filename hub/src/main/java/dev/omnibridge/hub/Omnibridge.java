package dev.omnibridge.hub;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.plugins.BuiltInTypes;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.runtime.ConfigCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The {@code omnibridge} command: {@code run} or {@code validate} a configuration file. */
public final class Omnibridge {
    private static final Logger LOG = LoggerFactory.getLogger(Omnibridge.class);
    private static final String USAGE = """
            usage: omnibridge run --config <file.yaml>
                   omnibridge validate --config <file.yaml>
                   omnibridge store-key encrypt|decrypt|rotate --config <file.yaml>
                   """ + dev.omnibridge.hub.access.AccountsCommand.USAGE
            + dev.omnibridge.hub.migrate.MigrateStoreCommand.USAGE;

    private Omnibridge() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && "store-key".equals(args[0]) && "--config".equals(args[2])) {
            System.exit(storeKey(args[1], Path.of(args[3])));
        }
        if (args.length >= 2 && "accounts".equals(args[0]) && "create".equals(args[1])) {
            System.exit(accounts(args));
        }
        if (args.length >= 1 && "migrate-store".equals(args[0])) {
            System.exit(dev.omnibridge.hub.migrate.MigrateStoreCommand.run(args, System::getenv, System.out,
                    System.err));
        }
        if (args.length != 3 || !"--config".equals(args[1])) {
            System.err.println(USAGE);
            System.exit(64);
        }
        Path file = Path.of(args[2]);
        switch (args[0]) {
            case "validate" -> System.exit(validate(file));
            case "run" -> run(file);
            default -> {
                System.err.println(USAGE);
                System.exit(64);
            }
        }
    }

    static int validate(Path file) {
        List<ConfigProblem> problems = problems(file);
        if (problems.isEmpty()) {
            System.out.println("configuration is valid");
            return 0;
        }
        problems.forEach(p -> System.out.println("ERROR " + p));
        System.out.println(problems.size() + " problem(s) in " + file);
        return 1;
    }

    /** Every problem of the configuration file: reading it, the hub section, instances, routes and plugins. */
    static List<ConfigProblem> problems(Path file) {
        ConfigLoader.Result loaded = ConfigLoader.withSystemEnvironment().load(file);
        List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
        if (loaded.config() != null) {
            ConnectorCatalog catalog = ConnectorCatalog.load(loaded.config().pluginsDir(), BuiltInTypes.all());
            catalog.problems().forEach(p -> problems.add(new ConfigProblem(null, "plugins", p)));
            problems.addAll(ConfigCheck.check(loaded.config(), loaded.rejected(), catalog));
            // Issue 23: the camel instances' routes, loaded into a throw-away context with the plugins' components.
            problems.addAll(dev.omnibridge.hub.camel.CamelRouteCheck.check(loaded.config(),
                    catalog.pluginClassLoaders()));
            catalog.close();
        }
        return problems;
    }

    /** Changes the store's encryption at rest; the hub must be stopped (docs/privacy.md). */
    static int storeKey(String action, Path file) {
        ConfigLoader.Result loaded = ConfigLoader.withSystemEnvironment().load(file);
        if (loaded.hasFatalProblems()) {
            loaded.problems().forEach(p -> System.out.println("ERROR " + p));
            return 1;
        }
        return dev.omnibridge.hub.privacy.StoreKeyCommand.run(action, loaded.config(), System::getenv, System.out);
    }

    /** Creates an account (the first admin, from a script); the hub must be stopped (docs/access.md). */
    static int accounts(String[] args) {
        java.util.Map<String, String> flags = dev.omnibridge.hub.access.AccountsCommand.flags(args, 2);
        if (flags == null || !flags.containsKey("config")) {
            System.err.println(USAGE);
            return 64;
        }
        ConfigLoader.Result loaded = ConfigLoader.withSystemEnvironment().load(Path.of(flags.remove("config")));
        if (loaded.hasFatalProblems()) {
            loaded.problems().forEach(p -> System.out.println("ERROR " + p));
            return 1;
        }
        return dev.omnibridge.hub.access.AccountsCommand.create(loaded.config(), flags, System::getenv, System.out);
    }

    private static void run(Path file) throws Exception {
        ConfigLoader.Result loaded = ConfigLoader.withSystemEnvironment().load(file);
        loaded.problems().forEach(p -> LOG.error("Configuration: {}", p));
        if (loaded.hasFatalProblems()) {
            LOG.error("Not starting: {} problem(s) in {}", loaded.problems().size(), file);
            System.exit(2);
        }
        Hub hub = Hub.start(loaded.config());
        hub.configFile(file);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "omnibridge-shutdown"));
        stopped.await();
    }
}
