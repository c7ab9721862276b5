package org.busline.benchmarks.report;

import java.util.Locale;
import java.util.Map;

/**
 * Draws Busline's speed-ups over its peers as a horizontal bar chart in SVG: one row per scenario and peer, bars
 * on a logarithmic axis from the 1× line, to the right (green) where Busline is faster, to the left (orange) where
 * it is slower.
 */
final class Chart {
    private static final int LABEL_WIDTH = 300;
    private static final int PLOT_WIDTH = 520;
    private static final int RIGHT_MARGIN = 90;
    private static final int ROW = 20;
    private static final int HEADING = 26;
    private static final int TOP = 56;

    private Chart() {
    }

    static String svg(Map<String, Map<String, Double>> speedUps) {
        double min = 1.0;
        double max = 1.0;
        int rows = 0;
        for (Map<String, Double> ratios : speedUps.values()) {
            for (double ratio : ratios.values()) {
                if (ratio > 0 && Double.isFinite(ratio)) {
                    min = Math.min(min, ratio);
                    max = Math.max(max, ratio);
                }
                rows++;
            }
        }
        int low = (int) Math.floor(Math.log10(min));
        int high = (int) Math.ceil(Math.log10(max));
        if (low == high) {
            high++;
        }
        int height = TOP + speedUps.size() * HEADING + rows * ROW + 30;
        int width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
        svg.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">How many times faster Busline is "
                + "than each peer (log scale; left of 1× it is slower)</text>\n");
        double span = high - low;
        int axisTop = TOP - 10;
        for (int decade = low; decade <= high; decade++) {
            double x = LABEL_WIDTH + (decade - low) / span * PLOT_WIDTH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"%s\"/>\n", x, axisTop, x, height - 20, decade == 0 ? "#333" : "#ddd",
                    decade == 0 ? "1.5" : "1"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">"
                    + "%s×</text>\n", x, axisTop - 4, label(decade)));
        }
        int y = TOP;
        for (Map.Entry<String, Map<String, Double>> scenario : speedUps.entrySet()) {
            y += HEADING;
            svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
                    y - 8, escape(scenario.getKey().replace("Benchmark", ""))));
            for (Map.Entry<String, Double> peer : scenario.getValue().entrySet()) {
                double ratio = peer.getValue();
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">vs %s</text>\n",
                        LABEL_WIDTH - 8, y + 4, escape(peer.getKey())));
                if (ratio > 0 && Double.isFinite(ratio)) {
                    double one = LABEL_WIDTH + (0 - low) / span * PLOT_WIDTH;
                    double end = LABEL_WIDTH + (Math.log10(ratio) - low) / span * PLOT_WIDTH;
                    double left = Math.min(one, end);
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                            + "fill=\"%s\"/>\n", left, y - 7, Math.max(1.0, Math.abs(end - one)), ROW - 6,
                            ratio >= 1 ? "#2e8b57" : "#e07b00"));
                    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
                            ratio >= 1 ? end + 4 : end - 4, y + 4, ratio >= 1 ? "start" : "end",
                            escape(Report.fixed(ratio) + "×")));
                }
                y += ROW;
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String label(int decade) {
        return decade >= 0 ? String.format(Locale.ROOT, "%,d", (long) Math.pow(10, decade))
                : String.format(Locale.ROOT, "%s", Math.pow(10, decade));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
