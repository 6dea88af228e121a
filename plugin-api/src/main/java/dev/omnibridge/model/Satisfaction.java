package dev.omnibridge.model;

/**
 * How the hub tells a desk a customer's survey answer (issue 21): an internal note with these metadata keys and the
 * tags {@code csat} and {@code csat-N} (or {@code nps} and {@code nps-N}). A desk whose API has a satisfaction field
 * (Freshdesk's satisfaction ratings) may write it from these; every desk gets the note and the tags.
 */
public final class Satisfaction {
    /** Metadata key: the rating, an integer as text. */
    public static final String RATING = "omnibridge.survey.rating";
    /** Metadata key: {@code csat} (a 1-5 rating) or {@code nps} (0-10). */
    public static final String KIND = "omnibridge.survey.kind";
    /** Metadata key: the customer's comment, when there is one (also in the note's text). */
    public static final String COMMENT = "omnibridge.survey.comment";
    /** Tag of the hub's survey messages to customers and of the rating notes to desks. */
    public static final String SURVEY_TAG = "survey";

    private Satisfaction() {
    }
}
