package dev.omnibridge.model;

/** Who wrote a message. */
public enum Role {
    CUSTOMER, AGENT, BOT, SYSTEM
}
