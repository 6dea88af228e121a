package dev.omnibridge.hub.survey;

/** Satisfaction surveys ({@code surveys:}). STUB of the issue-21 skeleton: the survey helper fills it in. */
public record SurveyConfig(boolean csat) {
    public static final String KEY = "surveys";

    public static SurveyConfig off() {
        return new SurveyConfig(false);
    }
}
