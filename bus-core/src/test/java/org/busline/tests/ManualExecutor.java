package org.busline.tests;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that runs its tasks only when a test calls {@link #runAll()}, on the test's thread. */
public final class ManualExecutor implements Executor {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs tasks, including those they submit, until none is left; returns how many ran. */
    public int runAll() {
        int ran = 0;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
            ran++;
        }
        return ran;
    }

    /** The number of tasks waiting. */
    public int queued() {
        return tasks.size();
    }
}
