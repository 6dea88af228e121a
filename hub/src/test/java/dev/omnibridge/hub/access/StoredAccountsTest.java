package dev.omnibridge.hub.access;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Accounts, logins and sessions on the store alone (no HTTP), so that the same SQL also runs on PostgreSQL
 * ({@code PostgresStoredAccountsTest}): what a second start reads back is what the first one wrote.
 */
public class StoredAccountsTest {
    private static final String PASSWORD = "a long enough password";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T09:00:00Z"));
    private final Principal admin = Principal.ADMIN_TOKEN;
    @TempDir
    Path dir;
    private Database database;
    private Journal journal;

    protected Database openDatabase(Path dir) throws Exception {
        return Database.open(new HubConfig.Store(null, null, null), dir, 4);
    }

    @BeforeEach
    void open() throws Exception {
        database = openDatabase(dir);
        journal = new Journal(database);
    }

    @AfterEach
    void close() {
        journal.close();
        database.close();
    }

    private record Started(Accounts accounts, Sessions sessions, Logins logins) {
    }

    /** What the hub builds at start-up, reading the stored accounts and sessions. */
    private Started start() throws Exception {
        AuditTrail audit = new AuditTrail(journal, database, clock);
        Sessions sessions = new Sessions(journal, clock, Duration.ofMinutes(30), Duration.ofHours(12));
        sessions.load(database);
        Accounts accounts = new Accounts(journal, database, audit, clock, sessions);
        accounts.load();
        return new Started(accounts, sessions, new Logins(accounts, sessions, audit, new AuthFailures(clock),
                "the-admin-token", AccessConfig.standard(), clock));
    }

    @Test
    void accountsLocksAndSessionsAreReadBackAsWritten() throws Exception {
        Started first = start();
        Account agent = first.accounts().create(admin, "Agnes@Example.com", "Agnes", Principal.Role.AGENT, PASSWORD);
        first.accounts().update(admin, agent.id(), null, "Agnes Agent", null, null);
        Account locked = first.accounts().create(admin, "lena@example.com", "Lena", Principal.Role.VIEWER, PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> first.logins().password("lena@example.com", "wrong password!", "10.0.0.1"))
                    .isInstanceOf(AccessException.class);
        }
        Sessions.Opened opened = first.logins().password("agnes@example.com", PASSWORD, "10.0.0.1");
        Sessions.Opened ended = first.logins().password("agnes@example.com", PASSWORD, "10.0.0.1");
        first.logins().logout(first.sessions().find(ended.id()).orElseThrow());

        Started second = start();
        assertThat(second.accounts().byEmail("AGNES@example.com")).hasValueSatisfying(a -> {
            assertThat(a.name()).isEqualTo("Agnes Agent");
            assertThat(a.role()).isEqualTo(Principal.Role.AGENT);
        });
        assertThat(second.accounts().find(locked.id()).orElseThrow().lockedAt(clock.instant())).isTrue();
        assertThat(second.sessions().find(opened.id())).hasValueSatisfying(s ->
                assertThat(second.logins().principal(s)).contains(new Principal(agent.id(), "Agnes Agent",
                        Principal.Role.AGENT, Principal.Kind.ACCOUNT)));
        assertThat(second.sessions().find(ended.id())).isEmpty();

        second.accounts().delete(admin, agent.id());
        assertThat(start().sessions().find(opened.id())).as("deleting the account ended its sessions").isEmpty();
    }

    @Test
    void anExternalIdentityGetsItsAccountOnceAndTheRoleItsGroupsMapTo() throws Exception {
        Started hub = start();
        Sessions.Opened s = hub.logins().external("https://idp.example", "sub-1", "sam@example.com", "Sam",
                Principal.Role.VIEWER);
        Sessions.Opened again = hub.logins().external("https://idp.example", "sub-1", "sam@example.com", "Sam",
                Principal.Role.AGENT);

        assertThat(hub.accounts().list()).singleElement().satisfies(a -> {
            assertThat(a.role()).isEqualTo(Principal.Role.AGENT);
            assertThat(a.hasPassword()).isFalse();
        });
        assertThat(hub.sessions().find(s.id())).isPresent();
        assertThat(hub.sessions().find(again.id())).isPresent();
        assertThatThrownBy(() -> hub.logins().password("sam@example.com", "anything at all", "10.0.0.2"))
                .isInstanceOf(AccessException.class).hasMessage("wrong email or password");
    }
}
