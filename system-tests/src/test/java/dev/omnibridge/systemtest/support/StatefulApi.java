package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * A vendor fake's answering logic: a WireMock transformer, applied only to the stubs that name it, that answers from
 * the fake's state (so a create is visible to the next read, as on the real API).
 */
public abstract class StatefulApi implements ResponseDefinitionTransformerV2 {
    private final String name;

    protected StatefulApi(String name) {
        this.name = name;
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final boolean applyGlobally() {
        return false;
    }

    /** A JSON answer. */
    public static ResponseDefinition jsonAnswer(int status, JsonNode body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(Json.write(body)).build();
    }
}
