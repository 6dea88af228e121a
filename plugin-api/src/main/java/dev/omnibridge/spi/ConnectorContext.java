package dev.omnibridge.spi;

import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What the hub gives a connector instance. */
public interface ConnectorContext {
    String instanceId();

    Settings settings();

    /**
     * The hub's Camel context. Components inside a plugin are not found by scheme, so register instances with
     * {@link #addComponent} instead of relying on discovery.
     */
    CamelContext camel();

    /** Registers a Camel component instance under {@code scheme}; removed when the instance stops. */
    void addComponent(String scheme, Component component);

    /** Adds routes to the hub's Camel context; removed when the instance stops. */
    void addRoutes(RoutesBuilder routes) throws Exception;

    /**
     * Hands the hub messages, replies and offsets from a poll. The stage completes once everything is durably
     * stored (one transaction); only then acknowledge upstream.
     */
    CompletionStage<Void> submit(Inbound inbound);

    /**
     * Hands the hub a source to poll for this instance (see {@link PolledSource}): the hub runs it on its own thread
     * on {@code schedule}, stores each result with its offsets in one transaction before the next poll, backs off
     * after failures and shows the source in {@code /health} under the instance's {@code polling}. Call it from
     * {@link Connector#start}; the hub stops the source when the instance stops (or earlier with
     * {@link PollHandle#stop()}). The default (for contexts that predate it) runs nothing and says so.
     *
     * @param name a short name for the source, unique in this instance (e.g. {@code updates}, {@code replies})
     * @throws IllegalArgumentException a source of that name is already running for this instance
     */
    default PollHandle poll(String name, PolledSource source, PollSchedule schedule) {
        throw new UnsupportedOperationException("this hub does not run polled sources (plugin API 1.1 or later)");
    }

    /** A poll position saved with {@link Inbound#offsets()}, if any. */
    Optional<String> offset(String key);

    /**
     * Every value saved with {@link Inbound#offsets()} under a key that starts with {@code keyPrefix}, by key. Lets a
     * connector keep small work items that must survive a restart (e.g. a media download to try again) with the
     * messages they belong to, one key each, and find them all again on start. Keys are at most 200 characters and
     * values at most 2000. The default (for contexts that predate it) knows none.
     */
    default java.util.Map<String, String> offsets(String keyPrefix) {
        return java.util.Map.of();
    }

    /**
     * A message on this instance known by its channel id: one the channel received, or one the hub sent through it
     * (the id {@link ChannelConnector#send} returned). Lets a channel thread a reply by what it answers.
     */
    Optional<Message> findMessage(String channelMessageId);

    /** The conversation on this instance with the given thread key, if any. */
    Optional<Conversation> findConversation(String threadKey);

    /** The latest messages of a conversation, oldest first, at most {@code limit}. */
    List<Message> recentMessages(String conversationId, int limit);

    AttachmentStore attachments();

    /** The public URL of this instance's webhook, {@code <publicUrl>/hooks/<instanceId>}, to register upstream. */
    URI webhookUrl();

    /**
     * Records a problem (e.g. a failing poll) shown as last error in {@code /health}; the instance keeps running.
     * The hub clears it when the instance next succeeds: it stores what a webhook or {@link #submit} handed in, or a
     * delivery through it succeeds. A connector whose success shows otherwise (a poll that finds nothing, a
     * reconnected mailbox) calls {@link #problemResolved()}.
     */
    void reportProblem(String message);

    /**
     * What {@link #reportProblem} reported is over (e.g. the poll works again): {@code /health} no longer shows it as
     * the last error; when it happened stays visible. Cheap: call it after every successful poll. A start failure
     * (state FAILED) is not cleared by it.
     */
    default void problemResolved() {
    }

    /**
     * The vendor's budget for this instance's API calls as the vendor last reported it, e.g. Salesforce's daily API
     * requests from its {@code Sforce-Limit-Info} header: {@code /health} shows it under the instance's
     * {@code quotas} and {@code /metrics} as {@code omnibridge_api_quota_remaining} and
     * {@code omnibridge_api_quota_limit} labelled {@code instance} and {@code quota}. Call it whenever the vendor
     * says (cheap; the latest value wins).
     *
     * @param name      what is counted, a short fixed name in lower case with digits and dashes (at most 64
     *                  characters, e.g. {@code daily-api-requests}); it becomes a metric label, so never an id or a
     *                  value from a message. The hub ignores other names, and more than 8 names per instance.
     * @param remaining what is left (a vendor may report usage past the limit; the hub shows that as 0)
     * @param limit     the whole budget
     */
    default void reportQuota(String name, long remaining, long limit) {
    }

    /**
     * The customer of the conversation with this thread key is typing (a live chat's typing indicator). Shown to
     * agents for a few seconds; not stored.
     */
    default void customerTyping(String threadKey) {
    }

    /**
     * Whether a customer writing on this channel now would reach an agent: at least one desk this channel's messages
     * go to is running. A live chat uses it to say so and offer an email follow-up instead.
     */
    default boolean deskAvailable() {
        return true;
    }

    /**
     * The business calendar the hub's configuration declares under {@code name} ({@code calendars:}), for a
     * connector whose behaviour follows opening hours (the webchat's offline mode). Declare the setting that names it
     * with {@link dev.omnibridge.config.SettingType#CALENDAR}: the hub's {@code validate} and start then refuse a name
     * it does not declare. The default (for contexts that predate calendars) knows none.
     */
    default java.util.Optional<dev.omnibridge.calendar.BusinessCalendar> calendar(String name) {
        return java.util.Optional.empty();
    }

    /**
     * The hub's memory of this desk's requesters per contact. The default (for contexts that predate it) keeps
     * nothing, so a desk then looks its requester up as before.
     */
    default DeskRequesters requesters() {
        return DeskRequesters.NONE;
    }

    /**
     * A phone number as a customer or a channel wrote it ({@code 0151 2345 678}, {@code (415) 555-0100},
     * {@code +44 20 7946 0958}, {@code 4915123456789} as a WhatsApp wa_id gives it), as the hub's normal form: E.164,
     * with the hub's configured default region for numbers without a country code. Empty when it is not a valid
     * number. The default (for contexts that predate it) accepts only numbers already in international form.
     */
    default java.util.Optional<dev.omnibridge.model.Address> phoneNumber(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        String digits = text.strip().replaceAll("[\\s().-]", "");
        try {
            return java.util.Optional.of(dev.omnibridge.model.Address.phone(digits));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Live frames and presence of this instance across the hub's nodes, for a channel that pushes to sockets (a live
     * chat): see {@link dev.omnibridge.live.LiveFanout}. The default (a hub on its own, or a context that predates
     * clusters) does nothing across nodes.
     */
    default dev.omnibridge.live.LiveFanout liveFanout() {
        return dev.omnibridge.live.LiveFanout.SINGLE_NODE;
    }
}
