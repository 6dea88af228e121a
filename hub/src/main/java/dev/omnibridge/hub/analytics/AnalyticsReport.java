package dev.omnibridge.hub.analytics;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One analytics answer in both forms: the JSON body and the CSV table (a header row, then one row per figure).
 *
 * @param json      the JSON body (maps and lists, in the documented order)
 * @param csvHeader the CSV column names
 * @param csvRows   the CSV rows, values as in the JSON (null: an empty field)
 */
public record AnalyticsReport(Map<String, Object> json, List<String> csvHeader, List<List<Object>> csvRows) {
    /** RFC 4180 text, CRLF line ends; a text starting like a spreadsheet formula is quoted with a leading '. */
    public String csv() {
        StringBuilder out = new StringBuilder();
        line(out, List.copyOf(csvHeader));
        for (List<Object> row : csvRows) {
            line(out, row);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> fields) {
        out.append(fields.stream().map(AnalyticsReport::field).collect(Collectors.joining(","))).append("\r\n");
    }

    private static String field(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        String s = v.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
