package dev.omnibridge.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how big: {@code smoke} (seconds, for the test suite), {@code quick} (minutes) and {@code full}.
 * The journal is pre-filled through the hub's own ingest path (JSON arrays of {@code prefillBatch} messages).
 * {@code freshHubForGrowth}: the growth curves start on empty stores of their own (the smoke reuses one hub to stay
 * within seconds). Issue 17: {@code busyRates} are the open-loop rates into one conversation (the knee), of which
 * {@code busyRate} is the target's; {@code storeMessages} the pre-fill of the store-size phase and {@code storeIdle}
 * how long it then stays idle (online compaction); {@code backlogMessages} the backlog built while the desk is down. Issue 21: {@code analyticsMessages} the month
 * written into the store of the analytics phase.
 */
public record Profile(String name, int runs, Duration warmup, Duration run, int openRate, int saturationConcurrency,
                      List<Integer> conversations, int replyConversations, List<Integer> journalSteps,
                      List<Integer> conversationSteps, int prefillBatch, Duration drain, boolean jfr,
                      boolean freshHubForGrowth, List<Integer> busyRates, int busyRate, int storeMessages,
                      Duration storeIdle, int backlogMessages, int analyticsMessages) {

    public static Profile named(String name) {
        return switch (name) {
            case "smoke" -> new Profile("smoke", 1, Duration.ofMillis(200), Duration.ofMillis(500), 100, 8,
                    List.of(1, 5), 5, List.of(0, 300), List.of(1, 20), 50, Duration.ofSeconds(5), false, false,
                    List.of(100), 100, 400, Duration.ofSeconds(1), 400, 2_000);
            case "quick" -> new Profile("quick", 3, Duration.ofSeconds(30), Duration.ofSeconds(5), 1_000, 64,
                    List.of(1, 50, 5_000), 50, List.of(0, 20_000, 100_000), List.of(1, 1_000, 20_000), 100,
                    Duration.ofSeconds(20), true, true, List.of(100, 250, 500, 1_000), 500, 100_000,
                    Duration.ofSeconds(60), 200_000, 100_000);
            case "full" -> new Profile("full", 5, Duration.ofSeconds(40), Duration.ofSeconds(15), 1_000, 64,
                    List.of(1, 50, 5_000), 50, List.of(0, 100_000, 300_000, 1_000_000),
                    List.of(1, 1_000, 10_000, 100_000), 100, Duration.ofSeconds(60), true, true,
                    List.of(100, 250, 500, 1_000), 500, 1_000_000, Duration.ofSeconds(60), 1_000_000, 1_000_000);
            default -> throw new IllegalArgumentException("profile must be smoke, quick or full: " + name);
        };
    }
}
