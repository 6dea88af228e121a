package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Configurations for triage tests, read from YAML through the real loader, and sample customer messages. */
final class TriageConfigs {
    static final String HUB = """
            hub: {adminToken: admin-token-123}
            """;

    private TriageConfigs() {
    }

    /** Loads the configuration (the hub section is added); fails the test on any problem. */
    static HubConfig load(Path dir, String yaml) {
        ConfigLoader.Result result = result(dir, yaml);
        assertThat(result.problems()).as("configuration problems").isEmpty();
        return result.config();
    }

    static ConfigLoader.Result result(Path dir, String yaml) {
        try {
            Path file = dir.resolve("omnibridge.yaml");
            Files.writeString(file, HUB + yaml);
            return ConfigLoader.withSystemEnvironment().load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Triage triage(Path dir, String yaml) {
        return Triage.from(load(dir, yaml));
    }

    static Message.Builder message(String channel, String text) {
        return Message.builder().channel(new ChannelRef("email", channel)).channelMessageId("m-" + text.hashCode())
                .threadKey("t-1").author(Author.customer("Kim", Address.email("kim@example.com"))).text(text)
                .receivedAt(Instant.parse("2026-12-07T10:00:00Z"));
    }
}
