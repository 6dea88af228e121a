package dev.omnibridge.hub.automation;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In or out of hours, on a real business calendar (New York, Mon-Fri 09:00-17:00, 3 July 2026 a holiday) and a
 * real store: the out-of-hours text on a Saturday, on a holiday and in the hour before opening on the first Monday
 * after the clocks went forward; the in-hours text at 09:30 that Monday (still 08:30 for a calendar that kept the
 * winter offset) and on an ordinary weekday.
 */
class AcknowledgementHoursTest {
    private static final BusinessCalendar OFFICE = BusinessCalendar.parse("office", "America/New_York",
            "Mon-Fri 09:00-17:00", List.of("2026-07-03"), List.of());
    private static final String TEMPLATES = """
            templates:
              en:
                inHours: "In hours, ref {reference}."
                outOfHours: "Closed now, ref {reference}; we answer by {expectedAnswer}."
            """;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private DeliveryStore deliveries;
    private int threads;

    private void start(String acknowledgements, CalendarLookup calendars) throws Exception {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        writer = new InboundWriter(channel -> List.of("desk"), scheduled::add, clock, recent);
        writer.automate(new Acknowledger(AcknowledgementTest.config(acknowledgements), calendars,
                instance -> Optional.empty()));
    }

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
            db.close();
        }
    }

    /** The acknowledgement's text for a first message (of a new conversation) written at {@code at}. */
    private String acknowledgementAt(String at) throws Exception {
        clock.advance(Duration.between(clock.instant(), Instant.parse(at)));
        String from = "+1555000" + (++threads);
        Message m = Message.builder().channel(new ChannelRef("twilio-sms", "sms")).channelMessageId("SM" + threads)
                .threadKey(from).author(Author.customer("Ann Lee", Address.phone(from))).text("Hello?").build();
        int before = scheduled.size();
        journal.submit(writer.work("sms", Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
        for (DeliveryTask t : scheduled.subList(before, scheduled.size())) {
            if (t.kind() == DeliveryTask.TargetKind.CHANNEL) {
                return deliveries.context(t).message().text();
            }
        }
        throw new AssertionError("no acknowledgement queued for the message at " + at);
    }

    @Test
    void outOfHoursTextOnASaturdayAHolidayAndBeforeOpeningAfterTheClocksWentForward() throws Exception {
        start("enabled: true\ncalendar: office\n" + TEMPLATES,
                CalendarLookup.of(name -> "office".equals(name) ? Optional.of(OFFICE) : Optional.empty(),
                        instance -> BusinessCalendar.alwaysOpen()));

        // Saturday 7 March 2026, 10:00 EST: the default 4 business hours count from Monday's opening, 09:00 EDT.
        assertThat(acknowledgementAt("2026-03-07T15:00:00Z")).startsWith("Closed now")
                .contains("we answer by Mar 9, 2026, 1:00");
        // Monday 9 March 2026, the first business day after the clocks went forward on the 8th: 08:30 EDT is closed,
        // 09:30 EDT is open (with the winter offset it would still be 08:30).
        assertThat(acknowledgementAt("2026-03-09T12:30:00Z")).startsWith("Closed now");
        assertThat(acknowledgementAt("2026-03-09T13:30:00Z")).startsWith("In hours");
        // Friday 3 July 2026, 10:00 EDT: a listed holiday.
        assertThat(acknowledgementAt("2026-07-03T14:00:00Z")).startsWith("Closed now");
        // Wednesday 8 July 2026, 10:00 EDT: an ordinary business hour.
        assertThat(acknowledgementAt("2026-07-08T14:00:00Z")).startsWith("In hours");
    }

    @Test
    void acknowledgementsThatNameNoCalendarFollowTheChannelsOwn() throws Exception {
        start("enabled: true\n" + TEMPLATES, CalendarLookup.of(name -> Optional.empty(),
                instance -> "sms".equals(instance) ? OFFICE : BusinessCalendar.alwaysOpen()));

        assertThat(acknowledgementAt("2026-03-07T15:00:00Z")).startsWith("Closed now");
        assertThat(acknowledgementAt("2026-03-09T13:30:00Z")).startsWith("In hours");
    }
}
