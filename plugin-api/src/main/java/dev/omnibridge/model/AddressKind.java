package dev.omnibridge.model;

/** The kind of a channel address; decides how it is normalised and masked. */
public enum AddressKind {
    /** E.164 phone number, e.g. {@code +14155550100}. */
    PHONE,
    /** Email address, stored lower-case. */
    EMAIL,
    /** A chat network's user id (Telegram user id, WhatsApp wa_id, page-scoped id, widget visitor id...). */
    CHAT_USER
}
