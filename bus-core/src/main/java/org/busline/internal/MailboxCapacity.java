package org.busline.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The room of one {@link Mailbox}: how many messages it holds, counted apart from its queue.
 *
 * <p><b>Counting.</b> Two counters, as in JCTools' bounded queues: producers count up {@link #reserved} with a
 * compare-and-set, drain tasks count up {@link #taken}, and {@code reserved - taken} (int arithmetic, so wrapping is
 * harmless) never exceeds the capacity. Producers and consumers thus never update the same word, and a single drain
 * task frees room with a plain release store instead of an atomic update. Producers remember the last {@code taken}
 * they read ({@link #takenSeen}) and read the consumer's counter again only when the mailbox looks full.
 *
 * <p><b>Waiting.</b> A blocked producer ({@code BLOCK}) waits on {@link #notFull}, in slices, since a drain task's
 * release store may pass its read of {@link #waiters}.
 */
final class MailboxCapacity {
    /** The longest a blocked publisher sleeps before it looks for room again. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int capacity;
    private final AtomicInteger reserved = new PaddedCounter();
    private final AtomicInteger taken = new PaddedCounter();
    /** Producers' cache of {@link #taken}; racy on purpose: a stale value only makes the mailbox look fuller. */
    private int takenSeen;
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();

    MailboxCapacity(int capacity) {
        this.capacity = capacity;
    }

    /** Takes room for one message if there is some now. */
    boolean tryReserve() {
        for (;;) {
            int current = reserved.get();
            if (current - takenSeen >= capacity) {
                int fresh = taken.get();
                takenSeen = fresh;
                if (current - fresh >= capacity) {
                    return false;
                }
            }
            if (reserved.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Waits up to {@code nanos} for room and takes it; false if none came in time or the thread was interrupted. */
    boolean await(long nanos) {
        long remaining = nanos;
        lock.lock();
        waiters.incrementAndGet();
        try {
            while (!tryReserve()) {
                if (remaining <= 0L) {
                    return false;
                }
                long slice = Math.min(remaining, WAIT_SLICE_NANOS);
                remaining -= slice - notFull.awaitNanos(slice);
            }
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiters.decrementAndGet();
            lock.unlock();
        }
    }

    /** Gives back room reserved for a message that did not enter. */
    void release() {
        reserved.decrementAndGet();
        signalWaiters();
    }

    /** Frees the room of a message taken out of the queue; {@code singleConsumer} allows a plain release store. */
    void free(boolean singleConsumer) {
        if (singleConsumer) {
            taken.lazySet(taken.get() + 1);
        } else {
            taken.incrementAndGet();
        }
        signalWaiters();
    }

    /** Messages that hold room now: accepted and not yet taken. */
    int queued() {
        return Math.max(0, reserved.get() - taken.get());
    }

    /** True when no message holds room. */
    boolean isEmpty() {
        return reserved.get() - taken.get() == 0;
    }

    private void signalWaiters() {
        if (waiters.get() > 0) {
            lock.lock();
            try {
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
