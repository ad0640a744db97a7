package org.llmplayground.evaluation.dashboard;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Charts as SVG images for reports a learner keeps (a portfolio page, a README): no browser needed to draw them, and
 * they stay sharp at any size. The in-app charts are ECharts ({@code Chart}); these mirror them on paper.
 */
final class SvgCharts {
    private static final String[] COLORS = {"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de"};

    private SvgCharts() {
    }

    /**
     * Grouped bars: one group per category, one bar per series (e.g. model A and model B per task), values 0..max
     * with the value written above each bar. 10 categories, 2 series → 640 × 320 px.
     */
    static String groupedBars(String title, List<String> categories, Map<String, double[]> series, double max) {
        int groupWidth = Math.max(48, 18 * series.size() + 16);
        int left = 48;
        int width = Math.max(480, left + 16 + categories.size() * groupWidth);
        int height = 320;
        int top = 56;
        int bottom = 96;
        int plot = height - top - bottom;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>", left, escape(title)));
        int legendX = left;
        int i = 0;
        for (String name : series.keySet()) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"39\">%s</text>",
                    legendX, COLORS[i % COLORS.length], legendX + 14, escape(name)));
            legendX += 24 + 7 * name.length();
            i++;
        }
        for (int t = 0; t <= 4; t++) { // grid lines at 0, ¼, ½, ¾, max
            double v = max * t / 4;
            int y = top + plot - (int) Math.round(plot * t / 4.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e0e0e0\"/><text x=\"%d\" y=\"%d\" "
                    + "text-anchor=\"end\">%s</text>", left, y, width - 8, y, left - 4, y + 4, format(v)));
        }
        for (int c = 0; c < categories.size(); c++) {
            int x0 = left + 8 + c * groupWidth;
            int k = 0;
            for (Map.Entry<String, double[]> e : series.entrySet()) {
                double v = e.getValue()[c];
                int h = Double.isNaN(v) ? 0 : (int) Math.round(plot * Math.max(0, Math.min(v, max)) / max);
                int x = x0 + k * 18;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>",
                        x, top + plot - h, h, COLORS[k % COLORS.length], escape(e.getKey()), Double.isNaN(v) ? "—" : format(v)));
                k++;
            }
            int cx = x0 + series.size() * 9;
            s.append(String.format(Locale.ROOT, "<text transform=\"translate(%d,%d) rotate(40)\">%s</text>", cx, top + plot + 12,
                    escape(categories.get(c).length() > 22 ? categories.get(c).substring(0, 21) + "…" : categories.get(c))));
        }
        return s.append("</svg>").toString();
    }

    static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
