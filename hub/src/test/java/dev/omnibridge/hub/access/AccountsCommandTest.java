package dev.omnibridge.hub.access;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.AccountTables;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.testing.LocalHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code omnibridge accounts create}: the first admin account from a script, before the hub's first start. */
class AccountsCommandTest {
    @TempDir
    Path dir;

    @Test
    void createsAnAdminAccountWithThePasswordFromTheEnvironmentAndRefusesADuplicate() throws Exception {
        HubConfig config = new LocalHub("accounts-command-admin-token").config(dir, LocalHub.QUICK_DELIVERY,
                List.of(), List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> options = AccountsCommand.flags(new String[] {"accounts", "create", "--email",
                "Ada@Example.com", "--name", "Ada Admin", "--role", "admin"}, 2);
        Map<String, String> env = Map.of(AccountsCommand.PASSWORD_ENV, "a long enough password");

        int created = AccountsCommand.create(config, options, env::get, new PrintStream(out, true,
                StandardCharsets.UTF_8));
        int again = AccountsCommand.create(config, options, env::get, new PrintStream(out, true,
                StandardCharsets.UTF_8));
        int noPassword = AccountsCommand.create(config, options, k -> null, new PrintStream(out, true,
                StandardCharsets.UTF_8));

        assertThat(created).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(again).isEqualTo(1);
        assertThat(noPassword).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("created account", "exists", "ERROR set the password")
                .doesNotContain("a long enough password");
        try (Database database = Database.open(config.store(), config.dataDir(), 4);
             Connection c = database.connection()) {
            Account a = AccountTables.byEmail(c, "ada@example.com").orElseThrow();
            assertThat(a.role()).isEqualTo(Principal.Role.ADMIN);
            assertThat(a.name()).isEqualTo("Ada Admin");
            assertThat(Passwords.matches("a long enough password", AccountTables.passwordHash(c, a.id())
                    .orElseThrow())).isTrue();
        }
    }
}
