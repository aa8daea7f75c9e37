package io.facestream.bench.performance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The chart of docs/performance.md as a plain SVG: three line panels, no library needed to draw or to view it. */
final class PerformanceChart {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 380;
    private static final int H = 280;

    record Series(String name, List<double[]> points, boolean dashed) {
    }

    private PerformanceChart() {
    }

    static String svg(List<PackRun.Result> packs, FleetRun.Result fleet) {
        List<Series> rest = new ArrayList<>();
        List<Series> knee = new ArrayList<>();
        for (PackRun.Result p : packs) {
            List<double[]> pts = new ArrayList<>();
            p.rest().forEach(r -> pts.add(new double[] {r.concurrency(), r.framesPerSecond()}));
            rest.add(new Series(p.pack() + " REST", pts, false));
            rest.add(new Series(p.pack() + " floor", List.of(new double[] {1, p.floor1().framesPerSecond()},
                    new double[] {16, p.floor1().framesPerSecond()}), true));
            knee.add(steps(p.pack() + ", 1 face", p.kneeOneFace()));
            knee.add(steps(p.pack() + ", 3 faces", p.kneeThreeFaces()));
        }
        List<Series> fleetSeries = new ArrayList<>();
        if (fleet != null) {
            List<double[]> p50 = new ArrayList<>();
            List<double[]> p99 = new ArrayList<>();
            fleet.steps().forEach(s -> {
                p50.add(new double[] {s.cameras(), Math.min(3000, s.lagP50())});
                p99.add(new double[] {s.cameras(), Math.min(3000, s.lagP99())});
            });
            fleetSeries.add(new Series("lag p50", p50, false));
            fleetSeries.add(new Series("lag p99", p99, false));
        }
        StringBuilder svg = new StringBuilder();
        int panels = fleet == null ? 2 : 3;
        svg.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", W * panels, H));
        svg.append(f("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W * panels, H));
        panel(svg, 0, "REST recognize, 1 face: frames/s by concurrency", "concurrency", "frames/s", rest, Double.NaN);
        panel(svg, W, "Camera load: lag p99 by offered rate", "offered frames/s", "lag p99 ms (cut at 3 s)", knee, 1000);
        if (fleet != null) {
            panel(svg, 2 * W, "Fleet of 5 fps cameras: answer lag", "camera processes", "lag ms (cut at 3 s)", fleetSeries, 1000);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static Series steps(String name, List<CameraLoad.Step> steps) {
        List<double[]> pts = new ArrayList<>();
        steps.forEach(s -> pts.add(new double[] {s.offeredPerSecond(), Math.min(3000, s.answered() < s.sent() ? 3000 : s.lagP99())}));
        return new Series(name, pts, false);
    }

    private static void panel(StringBuilder svg, int x0, String title, String xLabel, String yLabel, List<Series> series, double limit) {
        int left = x0 + 50;
        int right = x0 + W - 15;
        int top = 40;
        int bottom = H - 75;
        double maxX = 1;
        double maxY = Double.isNaN(limit) ? 1 : limit * 1.2;
        for (Series s : series) {
            for (double[] p : s.points()) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        maxY = nice(maxY);
        maxX = nice(maxX);
        svg.append(f("<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>\n", x0 + 10, title));
        svg.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", left, bottom, right, bottom));
        svg.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", left, top, left, bottom));
        for (int i = 0; i <= 4; i++) {
            double v = maxY * i / 4;
            int y = (int) (bottom - (bottom - top) * i / 4.0);
            svg.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n",
                    left, y, right, y, left - 4, y + 4, v));
            double xv = maxX * i / 4;
            int x = (int) (left + (right - left) * i / 4.0);
            svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0f</text>\n", x, bottom + 14, xv));
        }
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", (left + right) / 2, bottom + 28, xLabel));
        svg.append(f("<text x=\"%d\" y=\"%d\" transform=\"rotate(-90 %d %d)\" text-anchor=\"middle\">%s</text>\n", x0 + 12, (top + bottom) / 2,
                x0 + 12, (top + bottom) / 2, yLabel));
        if (!Double.isNaN(limit)) {
            int y = (int) (bottom - (bottom - top) * limit / maxY);
            svg.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"2,3\"/><text x=\"%d\" y=\"%d\" fill=\"#888\">1 s</text>\n",
                    left, y, right, y, right - 20, y - 3));
        }
        int legendY = bottom + 42;
        int colour = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            // A floor shares its pack's colour; everything else takes the next one.
            String c = COLOURS[(s.dashed() ? colour - 1 : colour++) % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double px = left + (right - left) * p[0] / maxX;
                double py = bottom - (bottom - top) * p[1] / maxY;
                path.append(path.isEmpty() ? "M" : " L").append(f("%.1f %.1f", px, py));
                if (!s.dashed()) {
                    svg.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", px, py, c));
                }
            }
            svg.append(f("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s/>\n", path, c, s.dashed() ? " stroke-dasharray=\"5,4\"" : ""));
            int lx = left + (i % 2) * 160;
            int ly = legendY + (i / 2) * 13;
            svg.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text>\n",
                    lx, ly - 4, lx + 16, ly - 4, c, s.dashed() ? " stroke-dasharray=\"4,3\"" : "", lx + 20, ly, s.name()));
        }
    }

    /** 1, 2 or 5 times a power of ten, at or above v. */
    private static double nice(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
