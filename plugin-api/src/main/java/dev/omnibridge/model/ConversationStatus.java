package dev.omnibridge.model;

public enum ConversationStatus {
    OPEN, RESOLVED
}
