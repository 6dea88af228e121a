package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.omnibridge.hub.access.Principal.Role.ADMIN;
import static dev.omnibridge.hub.access.Principal.Role.AGENT;
import static dev.omnibridge.hub.access.Principal.Role.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

/** The route table and the {@code access:} section, without a hub. */
class AccessPolicyTest {
    private final AccessPolicy policy = AccessPolicy.standard();

    @Test
    void conversationWorkNeedsAnAgentReadingAViewerAndControlOfTheHubAnAdmin() {
        assertThat(role("GET", "/api/conversations")).isEqualTo(VIEWER);
        assertThat(role("GET", "/api/conversations/c-1")).isEqualTo(VIEWER);
        assertThat(role("HEAD", "/api/instances")).isEqualTo(VIEWER);
        assertThat(role("POST", "/api/conversations/c-1/replies")).isEqualTo(AGENT);
        assertThat(role("POST", "/api/conversations/c-1/resolve")).isEqualTo(AGENT);
        assertThat(role("POST", "/api/conversations/c-1/assign")).isEqualTo(AGENT);
        assertThat(role("POST", "/api/conversations/c-1/something-new")).isEqualTo(AGENT);
        assertThat(role("POST", "/api/instances/web/stop")).isEqualTo(ADMIN);
        assertThat(role("POST", "/api/dead-letters/7/replay")).isEqualTo(ADMIN);
        assertThat(role("GET", "/api/dead-letters")).isEqualTo(ADMIN);
        assertThat(role("GET", "/api/accounts")).isEqualTo(ADMIN);
        assertThat(role("PATCH", "/api/accounts/a-1")).isEqualTo(ADMIN);
        assertThat(role("DELETE", "/api/contacts/c-9")).isEqualTo(ADMIN);
        assertThat(role("GET", "/api/contacts/c-9/export")).isEqualTo(ADMIN);
        assertThat(role("GET", "/api/contacts/c-9")).isEqualTo(VIEWER);
        assertThat(role("GET", "/api/me")).isEqualTo(VIEWER);
    }

    @Test
    void aRouteNobodyListedNeedsAnAdminAndIsAudited() {
        AccessPolicy.Decision d = policy.decide("POST", "/api/backfills");
        assertThat(d.needed()).isEqualTo(ADMIN);
        assertThat(d.rule().auditAllowed()).isTrue();
        assertThat(role("GET", "/api/some/future/report")).isEqualTo(ADMIN);
    }

    @Test
    void theAuditSubjectIsThePathsId() {
        AccessPolicy.Decision d = policy.decide("POST", "/api/instances/web/restart");
        assertThat(d.rule().action()).isEqualTo("instance.restart");
        assertThat(d.subject()).isEqualTo("web");
        assertThat(policy.decide("POST", "/api/conversations/c-1/typing").rule().action())
                .as("typing is not worth an audit entry").isNull();
    }

    @Test
    void accessSectionReadsTokensTimeoutsAndLockoutAndReportsMistakes() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        AccessConfig c = AccessSection.read(yaml("""
                tokens:
                  - {name: reporting, token: "a-long-reporting-token-1", role: viewer}
                  - {name: deploy, token: "a-long-deploy-token-22", role: ADMIN}
                sessions: {idleTimeout: 10m, absoluteTimeout: 8h}
                lockout: {after: 3, for: 1h}
                """), "the-admin-token-value", problems);
        assertThat(problems).isEmpty();
        assertThat(c.tokens()).extracting(AccessConfig.ApiToken::name).containsExactly("reporting", "deploy");
        assertThat(c.tokens()).extracting(AccessConfig.ApiToken::role).containsExactly(VIEWER, ADMIN);
        assertThat(c.tokens().toString()).doesNotContain("a-long-reporting-token-1");
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.absoluteTimeout()).isEqualTo(Duration.ofHours(8));
        assertThat(c.lockoutAfter()).isEqualTo(3);
        assertThat(c.lockoutFor()).isEqualTo(Duration.ofHours(1));

        AccessSection.read(yaml("""
                tokens:
                  - {name: admin, token: "another-long-token-33", role: admin}
                  - {name: same, token: "the-admin-token-value", role: viewer}
                  - {name: weak, token: "aaaa", role: viewer}
                  - {name: boss, token: "yet-another-long-token", role: owner}
                sessions: {idleTimeout: soon}
                lockout: {after: 0}
                colour: blue
                """), "the-admin-token-value", problems);
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("access.tokens[0].name",
                "access.tokens[1].token", "access.tokens[2].token", "access.tokens[3].role",
                "access.sessions.idleTimeout", "access.lockout.after", "access.colour");
        assertThat(problems.toString()).doesNotContain("the-admin-token-value").doesNotContain("yet-another");
    }

    @Test
    void singleSignOnIsReadWithItsGroupMappingAndEveryMistakeIsReported() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        AccessConfig c = AccessSection.read(yaml("""
                oidc:
                  issuer: https://login.example.com/realms/acme
                  clientId: omnibridge-console
                  clientSecret: "a-long-client-secret-9"
                  groupsClaim: realm_access.roles
                  roleMapping: {support-agents: agent, /acme/leads: ADMIN}
                  label: Acme SSO
                """), "the-admin-token-value", problems);
        assertThat(problems).isEmpty();
        OidcConfig o = c.oidc();
        assertThat(o.issuer()).isEqualTo("https://login.example.com/realms/acme");
        assertThat(o.roleMapping()).containsEntry("support-agents", AGENT).containsEntry("/acme/leads", ADMIN);
        assertThat(o.scopes()).containsExactly("openid", "email", "profile");
        assertThat(o.algorithms()).containsExactly("RS256");
        assertThat(o.defaultRole()).isNull();
        assertThat(o.toString()).doesNotContain("a-long-client-secret-9");
        assertThat(OidcConfig.redirectUri(java.net.URI.create("https://hub.example.com/")))
                .isEqualTo("https://hub.example.com/console/login/oidc/callback");

        AccessConfig bad = AccessSection.read(yaml("""
                oidc:
                  issuer: http://login.example.com/realms/acme?x=1
                  clientSecret: "aaaa"
                  scopes: [email]
                  roleMapping: {support-agents: owner}
                  defaultRole: boss
                  algorithms: [HS256]
                  clockSkew: 1h
                  colour: blue
                """), "the-admin-token-value", problems);
        assertThat(bad.oidc()).as("single sign-on stays off").isNull();
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("access.oidc.issuer",
                "access.oidc.clientId", "access.oidc.clientSecret", "access.oidc.scopes",
                "access.oidc.roleMapping.support-agents", "access.oidc.defaultRole", "access.oidc.algorithms",
                "access.oidc.clockSkew", "access.oidc.colour");
        assertThat(problems.toString()).doesNotContain("aaaa");

        problems.clear();
        AccessSection.read(yaml("""
                oidc: {issuer: "http://localhost:8080/realms/dev", clientId: c, clientSecret: "a-long-client-secret-9"}
                """), "the-admin-token-value", problems);
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("access.oidc.roleMapping");
    }

    @Test
    void apiTokensFindTheirPrincipalAndTheAdminTokenKeepsItsActor() {
        ApiTokens tokens = new ApiTokens("the-admin-token-value", List.of(
                new AccessConfig.ApiToken("reporting", "a-long-reporting-token-1", VIEWER)));
        assertThat(tokens.match("the-admin-token-value")).contains(Principal.ADMIN_TOKEN);
        assertThat(tokens.match("a-long-reporting-token-1")).hasValueSatisfying(p -> {
            assertThat(p.id()).isEqualTo("token:reporting");
            assertThat(p.role()).isEqualTo(VIEWER);
            assertThat(p.kind()).isEqualTo(Principal.Kind.TOKEN);
        });
        assertThat(tokens.match("a-long-reporting-token-")).isEmpty();
        assertThat(tokens.match(null)).isEmpty();
    }

    @Test
    void passwordsAreHashedWithBcryptAndShortOnesRefused() {
        String hash = Passwords.hash("a long enough password");
        assertThat(hash).startsWith("$2a$10$").doesNotContain("a long enough password");
        assertThat(Passwords.matches("a long enough password", hash)).isTrue();
        assertThat(Passwords.matches("a long enough passwort", hash)).isFalse();
        assertThat(Passwords.matches("anything at all", null)).isFalse();
        assertThat(Passwords.weakness("short")).isPresent();
        assertThat(Passwords.weakness("aaaaaaaaaaaa")).isPresent();
        assertThat(Passwords.weakness("x".repeat(40) + "é".repeat(20))).as("over 72 bytes").isPresent();
        assertThat(Passwords.weakness("correct horse battery")).isEmpty();
    }

    private Principal.Role role(String method, String path) {
        return policy.decide(method, path).needed();
    }

    private static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }
}
