package io.facestream.cli;

import java.io.PrintWriter;

/**
 * Progress of a long command: on a terminal one bar redrawn in place, with notable lines printed above it;
 * otherwise (a pipe, a log, CI) one line per item, so nothing is lost to carriage returns.
 */
final class Progress {

    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final int total;
    private int done;
    private int lastWidth;

    Progress(PrintWriter out, boolean terminal, int total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    /** One item finished; {@code line} is printed for it (on a terminal only when {@code notable}). */
    void step(String item, String line, boolean notable) {
        done++;
        if (!terminal) {
            out.printf("[%" + digits() + "d/%d] %s%n", done, total, line);
            out.flush();
            return;
        }
        clear();
        if (notable) {
            out.println(line);
        }
        int filled = total == 0 ? BAR_WIDTH : done * BAR_WIDTH / total;
        String bar = String.format("[%s%s] %" + digits() + "d/%d  %s", "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), done, total, item);
        out.print(bar);
        lastWidth = bar.length();
        out.flush();
    }

    void finish() {
        if (terminal) {
            clear();
            out.flush();
        }
    }

    private void clear() {
        if (lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
    }

    private int digits() {
        return String.valueOf(Math.max(total, 1)).length();
    }
}
