package org.busline.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many messages the single consumer thread of an asynchronous scenario has handled, counted per producer, so a
 * producer can wait until every message it published was handled.
 *
 * <p>Only one thread calls {@link #handled(int)} (each library under test delivers to one consumer thread), so the
 * counter is a plain read and an ordered (release) write, the same cost for every library. Each producer's counter
 * sits in its own cache lines.
 */
final class Progress {
    /** Longs between two counters: 128 bytes, two cache lines, against false sharing. */
    private static final int PAD = 16;
    /** How long {@link #await} waits before it declares the library under test broken. */
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final AtomicLongArray handled;

    /**
     * Makes the counters of {@code producers} producers.
     *
     * @param producers how many producer threads publish
     */
    Progress(int producers) {
        this.handled = new AtomicLongArray((producers + 1) * PAD);
    }

    /**
     * Counts one message of {@code producer} as handled. Called by the consumer thread only.
     *
     * @param producer the producer's index
     */
    void handled(int producer) {
        int index = (producer + 1) * PAD;
        handled.lazySet(index, handled.get(index) + 1); // single writer: an ordered store suffices
    }

    /**
     * Returns how many messages of {@code producer} were handled.
     *
     * @param producer the producer's index
     * @return the count so far
     */
    long handledBy(int producer) {
        return handled.get((producer + 1) * PAD);
    }

    /**
     * Waits, spinning then yielding, until the consumer has handled {@code target} messages of {@code producer}.
     *
     * @param producer the producer's index
     * @param target   the count to wait for
     * @throws IllegalStateException if the count does not arrive within 30 seconds: the library lost messages
     */
    void await(int producer, long target) {
        int index = (producer + 1) * PAD;
        int spins = 0;
        long deadline = 0L;
        while (handled.get(index) < target) {
            if (++spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                long now = System.nanoTime();
                if (deadline == 0L) {
                    deadline = now + TIMEOUT_NANOS;
                } else if (now - deadline > 0L) {
                    throw new IllegalStateException("producer " + producer + " waited 30 s for " + target
                            + " messages to be handled, but only " + handled.get(index) + " were");
                }
            }
        }
    }
}
