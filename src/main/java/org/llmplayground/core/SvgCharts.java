package org.llmplayground.core;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Charts as SVG images for reports a learner keeps (a portfolio page, a README): no browser needed to draw them, and
 * they stay sharp at any size. The in-app charts are ECharts ({@code Chart}); these mirror them on paper.
 */
public final class SvgCharts {
    private static final String[] COLORS = {"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de"};

    private SvgCharts() {
    }

    /**
     * Grouped bars: one group per category, one bar per series (e.g. model A and model B per task), values 0..max
     * with the value written above each bar. 10 categories, 2 series → 640 × 320 px.
     */
    public static String groupedBars(String title, List<String> categories, Map<String, double[]> series, double max) {
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

    /**
     * Lines over a shared x axis (steps): one polyline per series of (x, y) points, axes from their ranges; 640 × 300 px.
     * A loss curve of 500 steps and a val curve of 10 points draw together: each series keeps its own x values.
     */
    public static String lines(String title, String xName, Map<String, double[][]> series) {
        int width = 640;
        int height = 300;
        int left = 56;
        int top = 48;
        int bottom = 40;
        int plotW = width - left - 16;
        int plotH = height - top - bottom;
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (double[][] pts : series.values()) {
            for (double[] p : pts) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (minX > maxX) {
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }
        double spanX = maxX > minX ? maxX - minX : 1;
        double spanY = maxY > minY ? maxY - minY : 1;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>", left, escape(title)));
        for (int t = 0; t <= 4; t++) {
            int y = top + plotH - (int) Math.round(plotH * t / 4.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e0e0e0\"/><text x=\"%d\" y=\"%d\" "
                    + "text-anchor=\"end\">%s</text>", left, y, width - 16, y, left - 4, y + 4, format(minY + spanY * t / 4)));
            int x = left + (int) Math.round(plotW * t / 4.0);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, top + plotH + 16,
                    format(minX + spanX * t / 4)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", left + plotW / 2, height - 6, escape(xName)));
        int i = 0;
        int legendX = left;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            String color = COLORS[i++ % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + plotW * (p[0] - minX) / spanX, top + plotH - plotH * (p[1] - minY) / spanY));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>", color, pts.toString().strip()));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"39\">%s</text>",
                    legendX, color, legendX + 14, escape(e.getKey())));
            legendX += 24 + 7 * e.getKey().length();
        }
        return s.append("</svg>").toString();
    }

    public static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
