package org.busline.test;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A deterministic executor: it runs nothing until a test says so, then runs tasks on the calling thread in the
 * order they were submitted. Give it to {@code Delivery.async(executor)} or {@code MessageBus.builder().executor(…)}
 * and an asynchronous subscription's mailbox drains exactly when, and on the thread where, the test calls
 * {@link #runAll()} or {@link #runNext()}.
 *
 * <p>Thread-safe: any thread may submit; tasks run outside the lock, so a task may submit more tasks.
 */
public final class ManualExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private long executed;

    /** Makes an executor with no task. */
    public ManualExecutor() {
    }

    /**
     * Queues {@code task}; it runs in a later {@link #runAll()} or {@link #runNext()}, never here.
     *
     * @param task the task; not null
     */
    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(Objects.requireNonNull(task, "task"));
    }

    /**
     * Runs tasks in order on this thread, also those they submit, until none is left.
     *
     * @return how many ran
     */
    public int runAll() {
        int ran = 0;
        while (runNext()) {
            ran++;
        }
        return ran;
    }

    /**
     * Runs the oldest waiting task on this thread. A task that throws propagates to the caller; the task is gone.
     *
     * @return true if a task ran, false if none waited
     */
    public boolean runNext() {
        Runnable next;
        synchronized (this) {
            next = tasks.poll();
            if (next == null) {
                return false;
            }
            executed++;
        }
        next.run();
        return true;
    }

    /**
     * Returns how many tasks wait.
     *
     * @return the count
     */
    public synchronized int queued() {
        return tasks.size();
    }

    /**
     * Returns how many tasks ran so far (or started, for one running now).
     *
     * @return the count
     */
    public synchronized long executed() {
        return executed;
    }

    @Override
    public synchronized String toString() {
        return "ManualExecutor(" + tasks.size() + " queued, " + executed + " run)";
    }
}
