package dev.omnibridge.connector.email;

import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The cap's bookkeeping: what it saves, how it forgets old days, and that it fails safe when a bucket is full. */
class AcknowledgementCapCountTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private final Map<String, String> store = new HashMap<>();
    private final AcknowledgementCap cap = new AcknowledgementCap(2, clock, key -> Optional.ofNullable(store.get(key)));

    /** Counts and, if allowed, saves the offsets as the hub would with the mail. */
    private AcknowledgementCap.Count countAndStore(String address) {
        AcknowledgementCap.Count count = cap.count(address);
        store.putAll(count.offsets());
        return count;
    }

    @Test
    void theHashKeyIsSavedWithTheFirstCountAndKeptUntilTheStoreHasIt() {
        AcknowledgementCap.Count notStored = cap.count("ann@customer.test");   // its mail failed to store
        AcknowledgementCap.Count first = countAndStore("ann@customer.test");
        AcknowledgementCap.Count second = countAndStore("ann@customer.test");

        assertThat(notStored.offsets().get(AcknowledgementCap.KEY))
                .isEqualTo(first.offsets().get(AcknowledgementCap.KEY))
                .hasSize(64);
        assertThat(second.offsets()).doesNotContainKey(AcknowledgementCap.KEY).hasSize(1);
        assertThat(countAndStore("ann@customer.test").allowed()).as("two a day, and the failed one did not count")
                .isFalse();
    }

    @Test
    void addressesDifferingOnlyInCaseShareOneCount() {
        countAndStore("Ann@Customer.test");
        countAndStore("ann@customer.test");

        assertThat(countAndStore("ANN@CUSTOMER.TEST").allowed()).isFalse();
    }

    @Test
    void aBucketOfAnEarlierDayIsOverwrittenNotKept() {
        countAndStore("ann@customer.test");
        countAndStore("ann@customer.test");
        String bucket = cap.bucketOf("ann@customer.test");

        clock.advance(Duration.ofDays(1));
        AcknowledgementCap.Count nextDay = countAndStore("ann@customer.test");

        assertThat(nextDay.allowed()).isTrue();
        assertThat(nextDay.offsets()).containsOnlyKeys(bucket);
        assertThat(store.get(bucket)).startsWith("2026-03-03 ").doesNotContain("=2");
        assertThat(store.get(bucket).split(" ")).hasSize(2);
    }

    @Test
    void aFullBucketRefusesNewSendersButNeverSavesMoreThanAnOffsetHolds() {
        countAndStore("first@customer.test");
        String bucket = cap.bucketOf("first@customer.test");
        int counted = 1;
        AcknowledgementCap.Count full = null;
        for (int i = 0; full == null && i < 1_000_000; i++) {
            String address = "c" + i + "@customer.test";
            if (cap.bucketOf(address).equals(bucket)) {
                AcknowledgementCap.Count count = countAndStore(address);
                if (count.full()) {
                    full = count;
                } else {
                    counted++;
                }
            }
        }

        assertThat(full).as("the bucket fills up").isNotNull();
        assertThat(full.allowed()).isFalse();
        assertThat(full.offsets()).isEmpty();
        assertThat(counted).as("senders of one bucket counted on one day").isBetween(100, 140);
        assertThat(store).containsOnlyKeys(AcknowledgementCap.KEY, bucket);
        assertThat(store.get(bucket).length()).isLessThanOrEqualTo(AcknowledgementCap.MAX_VALUE);
    }

    @Test
    void aDamagedBucketDoesNotStopAcknowledgements() {
        countAndStore("ann@customer.test");
        String bucket = cap.bucketOf("ann@customer.test");
        store.put(bucket, "2026-03-02 garbage =x zz=");

        assertThat(countAndStore("ann@customer.test").allowed()).isTrue();
    }
}
