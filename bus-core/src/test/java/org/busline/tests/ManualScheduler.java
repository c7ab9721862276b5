package org.busline.tests;

import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.TreeSet;
import org.busline.spi.Scheduler;

/** A scheduler whose time moves only when a test calls {@link #advance}; due tasks run on the advancing thread. */
public final class ManualScheduler implements Scheduler {
    private final TreeSet<Task> tasks = new TreeSet<>(Comparator.comparingLong((Task t) -> t.due)
            .thenComparingLong(t -> t.sequence));
    private long now = 1_000_000_000L;
    private long sequence;
    private long scheduled;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        Task scheduled;
        synchronized (this) {
            scheduled = new Task(now + Math.max(0L, delay.toNanos()), sequence++, task);
            tasks.add(scheduled);
            this.scheduled++;
        }
        return () -> {
            synchronized (this) {
                return tasks.remove(scheduled);
            }
        };
    }

    /** Moves time forward, running every task that falls due, in order, on this thread. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = tasks.isEmpty() || tasks.first().due > target ? null : tasks.pollFirst();
                if (next == null) {
                    now = target;
                    return;
                }
                now = Math.max(now, next.due);
            }
            next.task.run();
        }
    }

    /** The number of tasks ever scheduled. */
    public synchronized long scheduledEver() {
        return scheduled;
    }

    /** The number of tasks scheduled and neither run nor cancelled. */
    public synchronized int pendingTasks() {
        return tasks.size();
    }

    private static final class Task {
        final long due;
        final long sequence;
        final Runnable task;

        Task(long due, long sequence, Runnable task) {
            this.due = due;
            this.sequence = sequence;
            this.task = task;
        }
    }
}
