package dev.omnibridge.model.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Plugins get mappers that share nothing which could keep their classes (and class loader) alive after an unload. */
class CanonicalJsonMapperCopyTest {
    record PluginPayload(String id) {
    }

    @Test
    void eachCopyHasItsOwnTypeCacheApartFromJacksonsSharedOne() throws Exception {
        ObjectMapper first = CanonicalJson.mapperCopy();
        ObjectMapper second = CanonicalJson.mapperCopy();

        first.readValue("{\"id\":\"a\"}", PluginPayload.class);

        assertThat(first.getTypeFactory()).isNotSameAs(second.getTypeFactory())
                .isNotSameAs(TypeFactory.defaultInstance());
        assertThat(first).isNotSameAs(second);
    }

    @Test
    void aCopyKeepsTheCanonicalSettingsAndChangesToItStayInIt() throws Exception {
        ObjectMapper mine = CanonicalJson.mapperCopy();
        mine.configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

        assertThat(mine.readValue("{\"id\":\"a\",\"extra\":1}", PluginPayload.class).id()).isEqualTo("a");
        assertThat(CanonicalJson.mapperCopy().isEnabled(
                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isTrue();
        assertThat(CanonicalJson.mapperCopy().writeValueAsString(Map.of("at", java.time.Instant.EPOCH)))
                .isEqualTo("{\"at\":\"1970-01-01T00:00:00Z\"}");
    }
}
