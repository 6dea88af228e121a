package dev.omnibridge.deskkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A desk API's answer.
 *
 * @param status HTTP status
 * @param headers response headers
 * @param body   the parsed JSON body; an empty object when the body was empty, a text node when it was not JSON
 */
public record DeskResponse(int status, HttpHeaders headers, JsonNode body) {
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public boolean ok() {
        return status / 100 == 2;
    }
}
