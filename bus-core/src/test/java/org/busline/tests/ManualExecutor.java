package org.busline.tests;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** An executor that runs nothing until a test calls {@link #runAll()}, which runs tasks on the calling thread. */
public final class ManualExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs tasks, also those they submit, until none is left; returns how many ran. */
    public int runAll() {
        int ran = 0;
        for (;;) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
            }
            if (next == null) {
                return ran;
            }
            next.run();
            ran++;
        }
    }

    /** How many tasks wait. */
    public synchronized int queued() {
        return tasks.size();
    }
}
