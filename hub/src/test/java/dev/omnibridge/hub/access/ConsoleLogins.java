package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.testing.LocalHub;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Logs accounts into a test hub's console and sends requests with their session, as the console page does. */
final class ConsoleLogins {
    private final LocalHub local;

    ConsoleLogins(LocalHub local) {
        this.local = local;
    }

    /** A console session: the cookie to send, the Set-Cookie it came with, and its CSRF token. */
    record Session(String cookie, String setCookie, String csrf) {
    }

    /** Creates an account through the admin API with the admin token; its id. */
    String createAccount(String email, String name, String role, String password) {
        HttpResponse<String> r = local.send(local.withToken(local.postJson("/api/accounts",
                "{\"email\":\"" + email + "\",\"name\":\"" + name + "\",\"role\":\"" + role + "\",\"password\":\""
                        + password + "\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).path("id").asText();
    }

    HttpResponse<String> attempt(String email, String password) {
        return local.send(local.postJson("/console/login",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"));
    }

    Session login(String email, String password) {
        HttpResponse<String> r = attempt(email, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), setCookie, json(r).path("csrf").asText());
    }

    HttpResponse<String> get(Session s, String path) {
        return local.send(local.get(path).header("Cookie", s.cookie()));
    }

    HttpResponse<String> post(Session s, String path, String body) {
        return send(s, local.postJson(path, body));
    }

    HttpResponse<String> send(Session s, HttpRequest.Builder request) {
        return local.send(request.header("Cookie", s.cookie()).header("X-CSRF-Token", s.csrf()));
    }

    /** An admin API read with the admin token. */
    JsonNode admin(String path) {
        HttpResponse<String> r = local.send(local.withToken(local.get(path)));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return json(r);
    }
}
