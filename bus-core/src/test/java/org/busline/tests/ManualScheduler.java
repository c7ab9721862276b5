package org.busline.tests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.busline.spi.Scheduler;

/**
 * A scheduler whose time moves only when a test calls {@link #advance(Duration)}, which runs the due tasks on the
 * calling thread, in order of due time, then of scheduling. Thread-safe.
 */
public final class ManualScheduler implements Scheduler {
    private record Task(long due, long sequence, Runnable action) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence));
    private final List<Duration> delays = new ArrayList<>();
    private long now = 1_000_000_000L;
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        delays.add(delay);
        Task scheduled = new Task(now + Math.max(0L, delay.toNanos()), sequence++, task);
        tasks.add(scheduled);
        return () -> {
            synchronized (this) {
                return tasks.remove(scheduled);
            }
        };
    }

    /** Moves time forward by {@code step}, running every task due by then (also tasks those tasks schedule). */
    public void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due() > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due());
            }
            next.action().run();
        }
    }

    /** Every delay asked for so far, in order. */
    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** How many tasks wait. */
    public synchronized int pending() {
        return tasks.size();
    }
}
