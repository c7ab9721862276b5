package org.busline.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the consumers of the asynchronous scenarios, so a broken teardown never hangs a fork. */
final class DaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Returns a single-thread executor of daemon threads: the one consumer thread of an asynchronous scenario.
     *
     * @param name the thread's name prefix
     * @return a new executor
     */
    static ExecutorService singleThread(String name) {
        return Executors.newSingleThreadExecutor(new DaemonThreads(name));
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
