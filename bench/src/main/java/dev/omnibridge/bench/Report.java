package dev.omnibridge.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Markdown report: sections in the order first used, each with free text and a table of figures. */
public final class Report {
    private record Section(List<String> text, List<String> rows) {
    }

    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final Map<String, Stats> figures = new LinkedHashMap<>();

    private Section section(String title) {
        return sections.computeIfAbsent(title, t -> new Section(new ArrayList<>(), new ArrayList<>()));
    }

    public void text(String title, String line) {
        section(title).text().add(line);
    }

    /** Records a figure under {@code id} (for ratios and targets) and prints it as a row of the section's table. */
    public Stats figure(String title, String id, String label, String unit, List<Double> values) {
        Stats s = Stats.of(values);
        figures.put(id, s);
        // Progress on the console, so a long run shows where it is.
        System.out.println("  " + label + ": " + Stats.format(s.median()) + " " + unit + " (" + values.stream()
                .map(Stats::format).toList() + ")");
        section(title).rows().add("| " + label + " | " + Stats.format(s.min()) + " | " + Stats.format(s.median())
                + " | " + Stats.format(s.max()) + " | " + unit + " | " + s.runs() + " |");
        return s;
    }

    public Stats get(String id) {
        return figures.getOrDefault(id, new Stats(Double.NaN, Double.NaN, Double.NaN, 0));
    }

    public java.util.Set<String> figureIds() {
        return figures.keySet();
    }

    /** Fixes the order of sections before any figure arrives. */
    public void declare(String... titles) {
        for (String t : titles) {
            section(t);
        }
    }

    public boolean hasSection(String title) {
        return sections.containsKey(title);
    }

    public String markdown(String header) {
        StringBuilder md = new StringBuilder(header);
        sections.forEach((title, s) -> {
            md.append("\n## ").append(title).append("\n\n");
            s.text().forEach(line -> md.append(line).append('\n'));
            if (!s.rows().isEmpty()) {
                md.append(s.text().isEmpty() ? "" : "\n")
                        .append("| figure | min | median | max | unit | runs |\n|---|---|---|---|---|---|\n");
                s.rows().forEach(row -> md.append(row).append('\n'));
            }
        });
        return md.toString();
    }
}
