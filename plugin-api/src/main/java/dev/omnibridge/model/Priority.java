package dev.omnibridge.model;

/** Urgency of a message, mapped to each desk's own priority scale. */
public enum Priority {
    LOW, NORMAL, HIGH, URGENT
}
