package dev.omnibridge.hub.automation;

import java.util.Map;

/** What customers call a channel type, for {@code {channel}} when the configuration gives no channelName. */
final class ChannelNames {
    private static final Map<String, String> NAMES = Map.of("email", "email", "twilio-sms", "SMS", "telegram",
            "Telegram", "whatsapp", "WhatsApp", "messenger", "Messenger", "instagram", "Instagram", "webchat",
            "our chat");

    private ChannelNames() {
    }

    static String of(String type) {
        return NAMES.getOrDefault(type, "this channel");
    }
}
