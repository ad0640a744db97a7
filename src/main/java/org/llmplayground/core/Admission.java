package org.llmplayground.core;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fair gate in front of scarce work (e.g. generating text: each one holds a model's compute for seconds). At most
 * {@code running} callers are inside at once; up to {@code queue} more wait, first come first served, for at most
 * {@code maxWait}; anyone beyond that, or still waiting when the time is up, is refused at once with an
 * {@link Overloaded} (HTTP 429 with {@code Retry-After}, as OpenAI's API answers) instead of piling up threads or
 * hanging. Example with running 4, queue 16, wait 10 s: the 5th to 20th requests wait their turn; the 21st is refused
 * straight away; a waiting one that has not got in after 10 s is refused then.
 */
public final class Admission {
    private final String what;
    private final int running;
    private final int queue;
    private final Duration maxWait;
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public Admission(String what, int running, int queue, Duration maxWait) {
        if (running < 1 || queue < 0 || maxWait.isNegative()) {
            throw new IllegalArgumentException("Admission for " + what + ": running ≥ 1, queue ≥ 0 and a wait ≥ 0 are needed (got "
                    + running + ", " + queue + ", " + maxWait + ").");
        }
        this.what = what;
        this.running = running;
        this.queue = queue;
        this.maxWait = maxWait;
        this.slots = new Semaphore(running, true); // fair: waiters get in in arrival order
    }

    /** A place inside; {@link #close()} gives it back (once, however often it is called). */
    public final class Ticket implements AutoCloseable {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Ticket() {
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                slots.release();
            }
        }
    }

    /** Enters, waiting in line if every place is taken; refuses with {@link Overloaded} when the line is full or too slow. */
    public Ticket enter() {
        if (slots.tryAcquire()) {
            return new Ticket();
        }
        if (waiting.incrementAndGet() > queue) {
            waiting.decrementAndGet();
            throw refuse("and " + queue + " more are waiting");
        }
        try {
            if (slots.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Ticket();
            }
            throw refuse("and none finished within " + (maxWait.toMillis() < 1000 ? maxWait.toMillis() + " ms"
                    : maxWait.toSeconds() + " s") + " of waiting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException("Gave up waiting to start " + what + ": the request was cancelled.", 503);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private Overloaded refuse(String why) {
        refused.incrementAndGet();
        long retry = Math.max(1, (maxWait.toMillis() + 999) / 1000);
        return new Overloaded("The server is busy: " + running + " " + what + " are running " + why + ". Try again in "
                + retry + " s.", retry);
    }

    public int running() {
        return running - slots.availablePermits();
    }

    public int waiting() {
        return Math.max(0, waiting.get());
    }

    /** How many were refused since start (for the overload bench and the logs). */
    public int refused() {
        return refused.get();
    }

    /** Refused because the server is at capacity: HTTP 429, with the seconds after which a retry may succeed. */
    public static final class Overloaded extends BadInputException {
        private final long retryAfterSeconds;

        public Overloaded(String message, long retryAfterSeconds) {
            super(message, 429);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
