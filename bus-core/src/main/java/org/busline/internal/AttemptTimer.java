package org.busline.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.spi.Scheduler;

/**
 * The deadline of one handler run: an attempt of an asynchronous handler ({@code Delivery.timeout}), or the run of a
 * synchronous responder on the requester's thread (the request's deadline).
 *
 * <p><b>Protocol</b> (as {@link java.util.concurrent.FutureTask#cancel} does it): the handler's thread and the
 * timer race to move the state out of {@code RUNNING}. If the handler's thread wins ({@link #finish()}), the timer
 * does nothing. If the timer wins, it passes through {@code INTERRUPTING} while it interrupts the thread, and
 * {@link #finish()} waits for {@code TIMED_OUT} before it clears the interrupt, so an interrupt meant for this
 * attempt never leaks into the thread's next task.
 */
final class AttemptTimer implements Runnable {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int INTERRUPTING = 2;
    private static final int TIMED_OUT = 3;

    private final Thread thread = Thread.currentThread();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile Scheduler.Cancellable cancellable;

    /** Starts the deadline; call on the handler's thread just before the handler. */
    static AttemptTimer start(Scheduler scheduler, Duration timeout) {
        AttemptTimer timer = new AttemptTimer();
        timer.cancellable = scheduler.schedule(timeout, timer);
        return timer;
    }

    /** Runs on the scheduler's thread at the deadline. */
    @Override
    public void run() {
        if (state.compareAndSet(RUNNING, INTERRUPTING)) {
            try {
                thread.interrupt();
            } finally {
                state.set(TIMED_OUT);
            }
        }
    }

    /**
     * Ends the attempt, on the handler's thread once the handler returned.
     *
     * @return true if the deadline passed first: the attempt failed, and the interrupt it caused is cleared
     */
    boolean finish() {
        if (state.compareAndSet(RUNNING, DONE)) {
            Scheduler.Cancellable timer = cancellable;
            if (timer != null) {
                timer.cancel();
            }
            return false;
        }
        while (state.get() == INTERRUPTING) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        return true;
    }
}
