package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of docs/contracts.md ("Triage and routing rules") loads without a problem and does what it says. */
class DocumentedExampleTest {
    @TempDir
    Path dir;

    private static String example() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "contracts.md"));
        int section = doc.indexOf("## Triage and routing rules");
        int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    @Test
    void theDocumentedExampleRoutesAsTheTextSays() throws IOException {
        HubConfig config = TriageConfigs.load(dir, example());
        Triage triage = Triage.from(config);
        Message german = TriageConfigs.message("email", "Der Drucker funktioniert nicht, bitte sofort!")
                .language("de").author(Author.customer("Ceo", Address.email("CEO@bigcustomer.example")))
                .receivedAt(Instant.parse("2026-12-07T20:00:00Z")).build();

        Classified c = triage.classify(german, 1);
        RouteDecision d = triage.route(c.message());

        assertThat(c.firedRules()).containsExactly("urgent-words", "vip", "after-hours");
        assertThat(c.message().priority()).isEqualTo(Priority.URGENT);
        assertThat(d.deskIds()).containsExactly("archive", "zendesk-de");
        assertThat(d.desks().get(1).assignment()).containsEntry("group", "360000001");
        assertThat(triage.route(TriageConfigs.message("email", "Hello").language("en").build()).deskIds())
                .containsExactly("archive", "zendesk-en");
        assertThat(triage.route(TriageConfigs.message("whatsapp", "Hello").build()).deskIds())
                .containsExactly("zendesk-en");
    }
}
