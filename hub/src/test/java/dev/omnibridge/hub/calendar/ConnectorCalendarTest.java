package dev.omnibridge.hub.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a running hub, a connector gets the calendars of the configuration by name through its context, and an
 * instance whose setting of type CALENDAR (or whose own {@code calendar}) names an undeclared calendar does not
 * start.
 */
class ConnectorCalendarTest {
    @TempDir
    Path dir;

    /** What each instance of the probe found when it asked its context for the calendar its setting names. */
    private static final Map<String, Optional<BusinessCalendar>> FOUND = new ConcurrentHashMap<>();

    @Test
    void connectorsGetDeclaredCalendarsByNameAndUnknownNamesFailTheInstance() throws Exception {
        LocalHub local = new LocalHub("calendar-test-admin-token");
        BusinessCalendar support = BusinessCalendar.parse("support", "Europe/Berlin", "Mon-Fri 09:00-17:00",
                List.of("2026-12-25"), List.of());
        HubConfig base = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(
                new HubConfig.Instance("known", ProbeType.NAME, true, Map.of("calendar", "support"), "support"),
                new HubConfig.Instance("unknown-setting", ProbeType.NAME, true, Map.of("calendar", "holidays")),
                new HubConfig.Instance("unknown-own", ProbeType.NAME, true, Map.of(), "nope")), List.of());
        HubConfig config = base.withCalendars(new CalendarRegistry(Map.of("support", support)));

        try (Hub hub = Hub.start(config, List.of(new ProbeType()))) {
            Poll.until("the probe started", () -> FOUND.containsKey("known"));
            assertThat(FOUND.get("known")).containsSame(support);
            assertThat(state(local, "known").path("state").asText()).isEqualTo("RUNNING");
            assertThat(state(local, "unknown-setting").path("state").asText()).isEqualTo("FAILED");
            assertThat(state(local, "unknown-setting").path("lastError").asText())
                    .contains("'calendar' names unknown calendar 'holidays' (declared: [support])");
            assertThat(state(local, "unknown-own").path("lastError").asText())
                    .isEqualTo("'calendar' names unknown calendar 'nope' (declared: [support])");
            assertThat(FOUND).containsOnlyKeys("known");
            assertThat(config.calendarOf("known")).isSameAs(support);
        }
    }

    private static JsonNode state(LocalHub local, String instance) {
        return LocalHub.json(local.send(local.get("/health"))).path("instances").path(instance);
    }

    /** A channel that asks for the calendar its {@code calendar} setting names when it starts. */
    public static final class ProbeType implements ConnectorType {
        static final String NAME = "calendar-probe";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "asks its context for a calendar";
        }

        @Override
        public ConfigDef config() {
            return ConfigDef.create().define(Setting.of("calendar", SettingType.CALENDAR));
        }

        @Override
        public Connector create() {
            return new ChannelConnector() {
                @Override
                public void start(ConnectorContext context) {
                    FOUND.put(context.instanceId(), context.calendar(context.settings().optionalString("calendar")
                            .orElse("none")));
                }

                @Override
                public void stop() {
                }

                @Override
                public String send(OutboundMessage message) {
                    return "sent";
                }
            };
        }
    }
}
