package org.busline.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bus's source of time and timers: request deadlines, retry back-off, delivery timeouts and circuit-breaker
 * waits all go through it, so tests can replace it with a manual one and never sleep. Set it with
 * {@code MessageBus.builder().scheduler(…)}; the default is {@link #system()}.
 *
 * <p>Implementations must be thread-safe. Scheduled tasks must be short: they hand work to executors, they do not
 * run handlers.
 */
public interface Scheduler {

    /**
     * Returns the current value of a monotonic clock in nanoseconds, as {@link System#nanoTime()} does: only
     * differences between two values mean anything.
     *
     * @return the time in nanoseconds
     */
    long nanoTime();

    /**
     * Runs {@code task} once, after {@code delay}.
     *
     * @param delay how long to wait; zero or more
     * @param task  what to run; not null
     * @return a handle that cancels the task; a cancelled task is released at once, so cancelled timers never pile
     *         up
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that may be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /**
         * Cancels the task if it has not started. Idempotent.
         *
         * @return true if this call stopped the task from running
         */
        boolean cancel();
    }

    /**
     * Returns a scheduler on {@link System#nanoTime()} and one daemon timer thread that drops cancelled tasks at
     * once. The thread ends after a second without timers and comes back when one is scheduled, so an idle or
     * forgotten scheduler holds no thread.
     *
     * @return a new system scheduler
     */
    static Scheduler system() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = Executors.defaultThreadFactory().newThread(task);
            thread.setName("busline-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return new Scheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                Objects.requireNonNull(delay, "delay");
                Objects.requireNonNull(task, "task");
                var future = timer.schedule(task, Math.max(0L, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }
        };
    }
}
