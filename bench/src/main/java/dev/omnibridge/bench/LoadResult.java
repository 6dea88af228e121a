package dev.omnibridge.bench;

/** One load run: requests answered 2xx, failures, the window they fell in and their latency. */
public record LoadResult(long ok, long errors, double seconds, Latency latency) {
    public double perSecond() {
        return seconds <= 0 ? 0 : ok / seconds;
    }
}
