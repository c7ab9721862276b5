package org.busline.tests;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor that runs its tasks only when told, on the test's thread. */
final class ManualExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    void runAll() {
        Runnable task;
        while ((task = next()) != null) {
            task.run();
        }
    }

    private synchronized Runnable next() {
        return tasks.poll();
    }
}
