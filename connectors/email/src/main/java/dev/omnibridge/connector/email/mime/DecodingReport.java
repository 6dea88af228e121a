package dev.omnibridge.connector.email.mime;

/** A decoding stream that says whether it had to skip or give up on part of its input. */
interface DecodingReport {

    /** True when some of the input could not be decoded; what could be was still returned. */
    boolean damaged();
}
