package org.llmplayground.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A plain loss-curve chart (train and val loss against steps) drawn with Java2D, for model cards. */
final class LossCurvePng {
    record Series(String name, Color color, double[] steps, double[] values) {
    }

    private LossCurvePng() {
    }

    static void write(Path file, String title, List<Series> series, double yMin, double yMax, Double reference) throws IOException {
        int w = 900;
        int h = 520;
        int left = 70;
        int right = 30;
        int top = 50;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xMax = series.stream().mapToDouble(s -> s.steps()[s.steps().length - 1]).max().orElse(1);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) { // grid and axis labels
            double y = yMin + (yMax - yMin) * i / 5;
            int py = top + ph - (int) Math.round(ph * i / 5.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.2f", y), 20, py + 4);
            double x = xMax * i / 5;
            int px = left + (int) Math.round(pw * i / 5.0);
            g.drawString(String.format("%,.0f", x), px - 15, top + ph + 20);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.drawString("step", left + pw / 2 - 10, h - 15);
        g.drawString("loss (nats/token)", 5, top - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);
        if (reference != null) {
            int py = top + ph - (int) Math.round(ph * (reference - yMin) / (yMax - yMin));
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 6f}, 0f));
            g.drawLine(left, py, left + pw, py);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(String.format("val loss %.1f", reference), left + pw - 80, py - 4);
        }
        int legendY = top + 20;
        for (Series s : series) {
            Path2D path = new Path2D.Double();
            for (int i = 0; i < s.steps().length; i++) {
                double px = left + pw * s.steps()[i] / xMax;
                double v = Math.max(yMin, Math.min(yMax, s.values()[i]));
                double py = top + ph - ph * (v - yMin) / (yMax - yMin);
                if (i == 0) {
                    path.moveTo(px, py);
                } else {
                    path.lineTo(px, py);
                }
            }
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2f));
            g.draw(path);
            g.fillRect(left + pw - 250, legendY - 8, 14, 4);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(s.name(), left + pw - 230, legendY - 3);
            legendY += 18;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
