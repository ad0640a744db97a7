package org.llmplayground.core.jobs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Time left for any job, the one estimate the whole app shows: the recent pace, not the average since the start.
 * <p>
 * Observations are (time, fraction done). The pace is measured over the last {@link #WINDOW_SECONDS} seconds of
 * observations: if the fraction went from 0.40 to 0.46 in the last 30 s, the pace is 0.002/s and the 0.54 left take
 * 270 s. A window, because the start of a job is often slower (tokenizing before training, a cold JIT) and a paused
 * training run must not drag the estimate for the rest of the run. With less than {@link #MIN_SPAN_SECONDS} of
 * observations, or before 1 % is done, there is no estimate yet.
 */
public final class Eta {
    static final double WINDOW_SECONDS = 30;
    static final double MIN_SPAN_SECONDS = 1;
    private static final double MIN_FRACTION = 0.01;

    private record Point(double seconds, double fraction) {
    }

    private final Deque<Point> points = new ArrayDeque<>();

    /** Records the fraction done at a time (seconds on any clock that only goes forward). */
    public synchronized void observe(double seconds, double fraction) {
        Point last = points.peekLast();
        if (last != null && (fraction < last.fraction() || seconds < last.seconds())) {
            points.clear(); // a restart (a resumed run, a new job) starts a new pace
        }
        points.addLast(new Point(seconds, fraction));
        while (points.size() > 2 && seconds - points.peekFirst().seconds() > WINDOW_SECONDS) {
            points.removeFirst();
        }
    }

    /** Seconds left at the recent pace, or empty when there is not enough to tell. */
    public synchronized OptionalDouble secondsLeft() {
        if (!ready()) {
            return OptionalDouble.empty();
        }
        Point first = points.peekFirst();
        Point last = points.peekLast();
        return secondsLeft(last.fraction(), last.seconds() - first.seconds(), last.fraction() - first.fraction());
    }

    /**
     * The estimate itself: what is left (1 − done) at the pace of {@code gained} in {@code span} seconds. Also used
     * where the pace is known directly, e.g. a training run's median step time: done = step / max_steps, span = one
     * step's seconds, gained = 1 / max_steps.
     */
    public static OptionalDouble secondsLeft(double done, double span, double gained) {
        if (done < MIN_FRACTION || span < 0 || gained <= 0 || done >= 1) {
            return done >= 1 ? OptionalDouble.of(0) : OptionalDouble.empty();
        }
        return OptionalDouble.of(span * (1 - done) / gained);
    }

    /** Enough observations for an estimate: at least {@link #MIN_SPAN_SECONDS} apart. */
    public synchronized boolean ready() {
        return points.size() >= 2 && points.peekLast().seconds() - points.peekFirst().seconds() >= MIN_SPAN_SECONDS;
    }

    /** "about 4 s left", "about 2:05 left", "about 1 h 05 min left". */
    public static String describe(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return "about " + s + " s left";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "about %d:%02d left", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "about %d h %02d min left", s / 3600, (s % 3600) / 60);
    }

    /** A duration for estimates made before a job runs: "350 ms", "12.5 s", "14 min", "2.8 h". */
    public static String duration(double seconds) {
        if (seconds < 1) {
            return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
        }
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
