import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;

/** Draws bench/results.png: per-call overhead (gowarden vs bpftrace) and consumer events/s against the target. */
public class Chart {
    public static void main(String[] a) throws Exception {
        double gw = Double.parseDouble(a[1].replaceAll("[^0-9.]", ""));
        double bt = Double.parseDouble(a[2].replaceAll("[^0-9.]", ""));
        double rate = Double.parseDouble(a[3]);
        BufferedImage img = new BufferedImage(900, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 900, 360);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString("Per-call overhead (ns, lower is better)", 30, 30);
        g.drawString("Consumer events/s (higher is better)", 480, 30);
        bars(g, 30, new String[]{"gowarden", "bpftrace"}, new double[]{gw, bt}, new Color[]{new Color(0x2b7bb9), new Color(0x999999)}, "%.0f ns");
        bars(g, 480, new String[]{"gowarden", "target"}, new double[]{rate, 1_000_000}, new Color[]{new Color(0x2b7bb9), new Color(0xd9822b)}, "%,.0f");
        g.dispose();
        ImageIO.write(img, "png", new File(a[0]));
    }

    static void bars(Graphics2D g, int x0, String[] labels, double[] values, Color[] colors, String fmt) {
        double max = 0;
        for (double v : values) max = Math.max(max, v);
        int base = 320;
        int height = 240;
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.GRAY);
        g.drawLine(x0, base, x0 + 380, base);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < values.length; i++) {
            int h = (int) (values[i] / max * height);
            int x = x0 + 40 + i * 170;
            g.setColor(colors[i]);
            g.fillRect(x, base - h, 110, h);
            g.setColor(Color.BLACK);
            g.drawString(labels[i], x + 10, base + 18);
            g.drawString(String.format(fmt, values[i]), x + 5, base - h - 6);
        }
    }
}
