package org.busline.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.busline.spi.Scheduler;

/**
 * A {@link Scheduler} and a {@link Clock} whose time moves only when a test says so, so that retries, back-off,
 * timeouts, request deadlines and circuit breakers are tested without sleeping:
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * MessageBus bus = MessageBus.builder().scheduler(time).clock(time.clock()).build();
 * ...
 * time.advance(Duration.ofMillis(10));   // runs every timer due by then, on this thread
 * }</pre>
 *
 * <p><b>Threads.</b> Thread-safe. {@link #advance(Duration)} runs the due tasks on the calling thread, in order of due
 * time and then of scheduling, outside any lock, so a task may schedule more tasks (they run too if due by the
 * target time). The bus's timer tasks only hand work to executors: with a {@link ManualExecutor} as well, a test
 * drives every step by hand.
 *
 * <p>The monotonic time starts at one second and the clock at {@code 2026-01-01T00:00:00Z} unless given; both move
 * together.
 */
public final class ManualScheduler implements Scheduler {
    private record Task(long due, long sequence, Runnable action) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence));
    private final List<Duration> delays = new ArrayList<>();
    private final Instant start;
    private final long origin = 1_000_000_000L;
    private long now = origin;
    private long sequence;

    /** Makes a scheduler whose clock starts at {@code 2026-01-01T00:00:00Z}. */
    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Makes a scheduler whose clock starts at {@code start}.
     *
     * @param start the clock's first instant; not null
     */
    public ManualScheduler(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
    }

    /**
     * Returns the manual monotonic time, in nanoseconds.
     *
     * @return the time; it changes only in {@link #advance(Duration)}
     */
    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /**
     * Schedules {@code task} to run when {@link #advance(Duration)} reaches {@code delay} from now. Never runs it on
     * this thread.
     *
     * @param delay how long to wait; a negative delay counts as zero; not null
     * @param task  what to run; not null
     * @return a handle that removes the task at once
     */
    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        delays.add(delay);
        Task scheduled = new Task(now + Math.max(0L, delay.toNanos()), sequence++, task);
        tasks.add(scheduled);
        return () -> {
            synchronized (this) {
                return tasks.remove(scheduled);
            }
        };
    }

    /**
     * Moves time forward by {@code step}, running every task due by then on this thread, also the tasks those tasks
     * schedule. Time stands at each task's due time while it runs, and at the target when this returns.
     *
     * @param step how far to move; zero or more; not null
     * @return how many tasks ran
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public int advance(Duration step) {
        Objects.requireNonNull(step, "step");
        if (step.isNegative()) {
            throw new IllegalArgumentException("step must not be negative, but was " + step);
        }
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        int ran = 0;
        for (;;) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due() > target) {
                    now = Math.max(now, target);
                    return ran;
                }
                tasks.poll();
                now = Math.max(now, next.due());
            }
            next.action().run();
            ran++;
        }
    }

    /**
     * Moves time to the next due task and runs it, with every other task due at that same time.
     *
     * @return how many tasks ran: zero if none waits
     */
    public int advanceToNext() {
        long due;
        synchronized (this) {
            Task next = tasks.peek();
            if (next == null) {
                return 0;
            }
            due = next.due() - now;
        }
        return advance(Duration.ofNanos(Math.max(0L, due)));
    }

    /**
     * Returns how much manual time passed since this scheduler was made.
     *
     * @return the elapsed time, zero or more
     */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now - origin);
    }

    /**
     * Returns every delay asked of {@link #schedule} so far, in order: the back-off a retry policy chose, say.
     *
     * @return an immutable copy
     */
    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /**
     * Returns how many tasks wait to run.
     *
     * @return the count of scheduled, not cancelled, not yet run tasks
     */
    public synchronized int pending() {
        return tasks.size();
    }

    /**
     * Returns a clock in UTC that shows this scheduler's time: it moves only with {@link #advance(Duration)}. Give it
     * to {@code MessageBus.builder().clock(…)} so envelope timestamps move with the timers.
     *
     * @return the clock, in UTC
     */
    public Clock clock() {
        return new ManualClock(ZoneOffset.UTC);
    }

    private final class ManualClock extends Clock {
        private final ZoneId zone;

        ManualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new ManualClock(Objects.requireNonNull(zone, "zone"));
        }

        @Override
        public Instant instant() {
            return start.plus(elapsed());
        }

        @Override
        public long millis() {
            return instant().toEpochMilli();
        }

        @Override
        public String toString() {
            return "ManualScheduler.clock(" + instant() + ", " + zone + ")";
        }
    }

    @Override
    public String toString() {
        return "ManualScheduler(elapsed " + elapsed() + ", " + pending() + " pending)";
    }
}
