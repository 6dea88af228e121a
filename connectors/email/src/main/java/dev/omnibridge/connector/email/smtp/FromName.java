package dev.omnibridge.connector.email.smtp;

import java.util.regex.Pattern;

/**
 * The display name of the mails the hub sends, from the {@code fromName} template. {@code {agent}} is the agent's
 * name; a mail without an agent (an acknowledgement, or an agent with no name) drops it together with the brackets
 * and separators that only made sense around it, so {@code "{agent} (Acme Support)"} signs as {@code Acme Support},
 * not {@code (Acme Support)}.
 */
final class FromName {
    static final String AGENT = "{agent}";
    /** Separators that join the agent's name to the rest: "-", "|", ",", ":", "/", "@", "·", "–", "—". */
    private static final Pattern EDGE_SEPARATORS = Pattern.compile("^[\\s\\-|,:/@·–—]+|[\\s\\-|,:/@·–—]+$");
    private static final Pattern EMPTY_BRACKETS = Pattern.compile("\\(\\s*\\)|\\[\\s*]|<\\s*>|\\{\\s*}");

    private FromName() {
    }

    /**
     * @param template the {@code fromName} setting, or null when none is set
     * @param agent    the agent's name, or null/blank when the mail has no agent
     * @return the display name, or null for none (the bare address)
     */
    static String render(String template, String agent) {
        boolean hasAgent = agent != null && !agent.isBlank();
        if (template == null) {
            return hasAgent ? agent.strip() : null;
        }
        if (hasAgent) {
            return blankToNull(template.replace(AGENT, agent.strip()).strip());
        }
        String rest = EMPTY_BRACKETS.matcher(template.replace(AGENT, "")).replaceAll("");
        rest = EDGE_SEPARATORS.matcher(rest.strip()).replaceAll("");
        return blankToNull(unwrap(rest.replaceAll("\\s{2,}", " ")));
    }

    /** "(Acme Support)" becomes "Acme Support": the brackets set the team apart from an agent who is not there. */
    private static String unwrap(String s) {
        String[][] pairs = {{"(", ")"}, {"[", "]"}, {"<", ">"}, {"\"", "\""}};
        for (String[] p : pairs) {
            if (s.length() >= 2 && s.startsWith(p[0]) && s.endsWith(p[1])
                    && s.indexOf(p[1], 1) == s.length() - 1) {
                return s.substring(1, s.length() - 1).strip();
            }
        }
        return s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
