package org.busline.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.busline.DeliveryException;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.MailboxFullException;
import org.busline.OverflowPolicy;

/**
 * The bounded mailbox of one asynchronous subscription, drained on its executor by at most {@code concurrency}
 * drain tasks at once.
 *
 * <p><b>Bounding.</b> {@link #size} counts the messages reserved or queued and never exceeds the capacity. Policies
 * that may refuse a publish ({@code BLOCK}, {@code FAIL}) reserve room before the bus delivers to anybody
 * ({@link #reserve}), so a refused publish reaches nobody; the others take room as they put. A drain task frees the
 * room when it takes a message out.
 *
 * <p><b>Draining.</b> {@link #drainers} counts the running drain tasks. A producer that puts a message starts one if
 * fewer than {@code concurrency} run. A drain task that finds the queue empty leaves, then looks again and comes
 * back if a message arrived meanwhile: producer (put, then read the count) and drain task (lower the count, then
 * read the queue) each write before they read, so one of them always sees the other and no message waits without a
 * drain task. With concurrency 1 there is a single consumer, so the queue is the MPSC {@link MpscLinkedQueue} and
 * messages are handled in per-producer order; otherwise (and for {@code DROP_OLDEST}, where producers evict) it is
 * multi-consumer.
 *
 * <p><b>Closing.</b> Once {@link #closing} is set, drain tasks report what is left as dropped instead of handling
 * it, so nothing is lost without a report.
 */
final class Mailbox {
    /** Messages one drain task handles before it yields its thread to other tasks of a shared executor. */
    private static final int BATCH = 256;

    /** The subscription's delivery options that concern its mailbox. */
    record Settings(Executor executor, int capacity, OverflowPolicy overflow, long blockNanos, int concurrency) {
    }

    /** A queued message and the tracker of its publish (null when nobody tracks it). */
    record Entry(Envelope<?> envelope, Results.Tracker tracker) {
    }

    private final DefaultMessageBus bus;
    private final Subscriber owner;
    private final Settings settings;
    private final MessageQueue<Entry> queue;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger drainers = new AtomicInteger();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Runnable drainTask = this::drain;
    private volatile boolean closing;

    Mailbox(DefaultMessageBus bus, Subscriber owner, Settings settings) {
        this.bus = bus;
        this.owner = owner;
        this.settings = settings;
        this.queue = settings.concurrency() == 1 && settings.overflow() != OverflowPolicy.DROP_OLDEST
                ? new MpscLinkedQueue<>() : MessageQueue.multiConsumer();
    }

    /** True if this mailbox may refuse a publish, so the bus must reserve room before delivering. */
    boolean refuses() {
        return settings.overflow() == OverflowPolicy.BLOCK || settings.overflow() == OverflowPolicy.FAIL;
    }

    /**
     * Reserves room for one message of a refusing mailbox, waiting under {@code BLOCK}.
     *
     * @throws MailboxFullException if there is no room in time
     */
    void reserve(Envelope<?> envelope) {
        if (tryReserve()) {
            return;
        }
        if (settings.overflow() == OverflowPolicy.BLOCK && awaitRoom()) {
            return;
        }
        throw new MailboxFullException("mailbox of subscription '" + owner.name + "' is full (capacity "
                + settings.capacity() + ", overflow " + settings.overflow()
                + (settings.overflow() == OverflowPolicy.BLOCK
                        ? ", waited " + TimeUnit.NANOSECONDS.toMillis(settings.blockNanos()) + " ms" : "")
                + "); message " + envelope.id() + " on topic '" + envelope.topic().name()
                + "' was published to nobody");
    }

    /** Gives back room reserved for a publish that did not happen. */
    void release() {
        size.decrementAndGet();
        signalWaiters();
    }

    /**
     * Puts a message in the mailbox, in room reserved before for a refusing mailbox, or taken now by the overflow
     * policy.
     *
     * @return false if {@code DROP_NEWEST} dropped it
     */
    boolean put(Envelope<?> envelope, Results.Tracker tracker) {
        if (settings.overflow() == OverflowPolicy.DROP_NEWEST && !tryReserve()) {
            dropped(new Entry(envelope, tracker), DroppedMessage.Reason.MAILBOX_FULL, false);
            return false;
        }
        if (settings.overflow() == OverflowPolicy.DROP_OLDEST) {
            while (!tryReserve()) {
                Entry oldest = queue.poll();
                if (oldest != null) {
                    release();
                    dropped(oldest, DroppedMessage.Reason.MAILBOX_FULL, true);
                }
            }
        }
        if (tracker != null) {
            tracker.add();
        }
        queue.offer(new Entry(envelope, tracker));
        if (drainers.get() < settings.concurrency() && tryAddDrainer()) {
            start();
        }
        return true;
    }

    /**
     * Puts a message only if there is room now, whatever the overflow policy: never waits, drops or refuses. For
     * point-to-point sends and requests, which then try another subscription.
     *
     * @return false if the mailbox is full
     */
    boolean offer(Envelope<?> envelope, Results.Tracker tracker) {
        if (!tryReserve()) {
            return false;
        }
        if (tracker != null) {
            tracker.add();
        }
        queue.offer(new Entry(envelope, tracker));
        if (drainers.get() < settings.concurrency() && tryAddDrainer()) {
            start();
        }
        return true;
    }

    /** True when nothing waits and no drain task runs. */
    boolean isIdle() {
        return size.get() == 0 && drainers.get() == 0;
    }

    /**
     * Stops handling messages: drain tasks report the rest as dropped. If none is running, reports them here.
     */
    void close() {
        closing = true;
        if (tryAddDrainer()) {
            drain();
        }
    }

    private void drain() {
        DispatchContext context = DispatchContext.current();
        int handled = 0;
        for (;;) {
            Entry entry = queue.poll();
            if (entry == null) {
                drainers.decrementAndGet();
                if (queue.isEmpty() || !tryAddDrainer()) {
                    return;
                }
                continue;
            }
            release();
            if (closing) {
                dropped(entry, DroppedMessage.Reason.BUS_CLOSED, true);
                continue;
            }
            try {
                bus.deliverAsync(owner, entry, context);
            } catch (Error fatal) {
                start();
                throw fatal;
            }
            if (++handled == BATCH) {
                start();
                return;
            }
        }
    }

    /** Runs a drain task for a drainer slot already taken. */
    private void start() {
        try {
            settings.executor().execute(drainTask);
        } catch (RejectedExecutionException rejected) {
            bus.logExecutorRejection(owner.name, rejected);
            // We hold the slot, so we are the only consumer: report everything, then give the slot back.
            Entry entry;
            while ((entry = queue.poll()) != null) {
                release();
                dropped(entry, closing ? DroppedMessage.Reason.BUS_CLOSED : DroppedMessage.Reason.EXECUTOR_REJECTED,
                        true);
            }
            drainers.decrementAndGet();
        }
    }

    private boolean tryAddDrainer() {
        for (;;) {
            int running = drainers.get();
            if (running >= settings.concurrency()) {
                return false;
            }
            if (drainers.compareAndSet(running, running + 1)) {
                return true;
            }
        }
    }

    private boolean tryReserve() {
        for (;;) {
            int current = size.get();
            if (current >= settings.capacity()) {
                return false;
            }
            if (size.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private boolean awaitRoom() {
        long remaining = settings.blockNanos();
        lock.lock();
        waiters.incrementAndGet();
        try {
            while (!tryReserve()) {
                if (remaining <= 0L) {
                    return false;
                }
                remaining = notFull.awaitNanos(remaining);
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

    private void dropped(Entry entry, DroppedMessage.Reason reason, boolean wasAccepted) {
        bus.reportDropped(entry.envelope(), owner.name, reason);
        if (entry.tracker() != null) {
            Throwable failure = new DeliveryException("message " + entry.envelope().id() + " on topic '"
                    + entry.envelope().topic().name() + "' was dropped by subscription '" + owner.name + "': "
                    + reason, null);
            if (!wasAccepted) {
                entry.tracker().add();
            }
            entry.tracker().settle(failure);
        }
    }
}
