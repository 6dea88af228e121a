package dev.omnibridge.hub.survey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;

import java.util.List;

/** Reads {@code surveys:}. STUB of the issue-21 skeleton: the survey helper fills it in. */
public final class SurveySection {
    private SurveySection() {
    }

    public static SurveyConfig read(JsonNode section, List<HubConfig.Instance> instances, CalendarRegistry calendars,
                                    List<ConfigProblem> problems) {
        return SurveyConfig.off();
    }
}
