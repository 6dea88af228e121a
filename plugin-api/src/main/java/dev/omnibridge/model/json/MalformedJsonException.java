package dev.omnibridge.model.json;

/** A JSON document that does not fit the canonical model; the message names the offending field. */
public class MalformedJsonException extends Exception {
    public MalformedJsonException(String message) {
        super(message);
    }
}
