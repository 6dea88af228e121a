package dev.omnibridge.hub.privacy;

import dev.omnibridge.model.Message;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Masks a customer message as its channel instance's {@code privacy} configuration says, before the hub stores or
 * forwards it: its text, subject and HTML are what desks, the console and the journal see. Applied in
 * {@code InstanceManager}'s inbound normalisation, right after the text is cleaned, so the original never reaches
 * the journal, an outbox row, a desk or a log line of the hub.
 */
public final class InboundMasking {
    private final PrivacyConfig config;
    private final BiConsumer<String, Integer> masked;
    private final Map<String, Masking> byInstance = new ConcurrentHashMap<>();

    /** @param masked told the kind and count of each masking done (the metric) */
    public InboundMasking(PrivacyConfig config, BiConsumer<String, Integer> masked) {
        this.config = config;
        this.masked = masked;
    }

    /** Masks nothing anywhere. */
    public static InboundMasking none() {
        return new InboundMasking(PrivacyConfig.none(), (k, n) -> { });
    }

    /** The message masked for this channel instance; the same object when nothing is masked. */
    public Message mask(String instanceId, Message m) {
        Masking masking = byInstance.computeIfAbsent(instanceId,
                id -> new Masking(config.maskOf(id), config.patterns()));
        if (masking.masksNothing()) {
            return m;
        }
        Masking.Result text = masking.mask(m.text());
        Masking.Result subject = masking.mask(m.subject());
        Masking.Result html = masking.mask(m.html());
        if (!text.changed() && !subject.changed() && !html.changed()) {
            return m;
        }
        // One masked item shown in the text and in the HTML is one item: count the larger of the two.
        Map<String, Integer> counts = new java.util.HashMap<>(subject.counts());
        text.counts().forEach((k, n) -> counts.merge(k, Math.max(n, html.counts().getOrDefault(k, 0)),
                Integer::sum));
        html.counts().forEach((k, n) -> {
            if (!text.counts().containsKey(k)) {
                counts.merge(k, n, Integer::sum);
            }
        });
        counts.forEach(masked);
        return m.toBuilder().text(Objects.requireNonNullElse(text.text(), m.text())).subject(subject.text())
                .html(html.text()).build();
    }
}
