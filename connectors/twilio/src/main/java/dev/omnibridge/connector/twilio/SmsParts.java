package dev.omnibridge.connector.twilio;

import dev.omnibridge.text.TextParts;

import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Twilio's limit for one message's {@code Body} and how a longer reply is cut to fit it. Twilio refuses a Body over
 * 1,600 characters with error 21617 (https://www.twilio.com/docs/api/errors/21617) and counts characters outside
 * GSM-7's basic set as more than one: so a character costs its UTF-16 code units (an emoji 2), and GSM-7's extension
 * characters, which take two septets, cost 2 as well. That never undercounts, whichever encoding Twilio picks.
 */
final class SmsParts {
    static final int MAX_BODY = 1600;
    /** GSM 03.38 extension table: sent as an escape and the character, two septets. */
    private static final String GSM_EXTENSION = "\f^{}\\[~]|\u20AC";
    static final IntUnaryOperator COST = cp -> GSM_EXTENSION.indexOf(cp) >= 0 ? 2 : Character.charCount(cp);

    private SmsParts() {
    }

    /** The bodies to send, in order; one when the text fits. */
    static List<String> of(String body) {
        return TextParts.split(body, MAX_BODY, COST);
    }
}
