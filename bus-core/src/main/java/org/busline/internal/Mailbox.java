package org.busline.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.MailboxFullException;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.Topic;
import org.busline.spi.ContextPropagator;

/**
 * The mailbox, the third room of a message's way: the bounded queue of one asynchronous subscription, drained on
 * its executor by at most {@code concurrency} drain tasks at once, each attempt made through the {@link Invoker}.
 *
 * <p><b>Bounding.</b> Room is counted by {@link MailboxCapacity}, apart from the queue. Policies that may refuse a
 * publish ({@code BLOCK}, {@code FAIL}) reserve room before the bus delivers to anybody ({@link #reserve}), so a
 * refused publish reaches nobody; the others take room as they put.
 *
 * <p><b>Draining.</b> {@link #drainers} counts the running drain tasks. A producer that puts a message starts one if
 * fewer than {@code concurrency} run. A drain task that finds the queue empty leaves, then looks again and comes
 * back if a message arrived meanwhile: producer (put, then read the count) and drain task (lower the count, then
 * read the queue) each write before they read, so one of them always sees the other and no message waits without a
 * drain task. With concurrency 1 there is a single consumer, so the queue is the MPSC ring {@link MpscArrayQueue}
 * (linked nodes above {@link MpscArrayQueue#MAX_CAPACITY}) and messages are handled in per-producer order; otherwise
 * (and for {@code DROP_OLDEST}, where producers evict) it is multi-consumer.
 *
 * <p><b>Waiting for work.</b> A ring's drain task that finds the queue empty watches it for up to
 * {@link #IDLE_SPINS} spins (about 30 microseconds on the 2-core machine of the benchmarks) before it leaves, since
 * waking a parked executor thread costs producer and consumer far more than that. The spin is bounded, so a shared
 * pool (or a virtual thread's carrier) is held by an idle mailbox for no longer. A drain task that its executor runs
 * on the publisher's own thread ({@link DispatchContext#startingDrain}) does not wait.
 *
 * <p><b>Bare payloads.</b> A mailbox that {@link #takesPayloads()} also queues {@link PayloadDelivery}s, put by
 * {@link #putPayload}: the message without an envelope, handled by {@link Invoker#deliver}, its envelope made only
 * if the handler or a failure's report asks for it. It shares the queue with enveloped messages, so order
 * is kept whichever way a message came.
 *
 * <p><b>Retries.</b> A message whose attempt failed and may be retried leaves its drain task without giving back the
 * drainer slot: the slot passes to a {@link MailboxRetry} waiting on the scheduler in the mailbox's
 * {@link MailboxWaits}, which resumes draining with that message on the executor when its back-off ends. So a back-off
 * never sleeps on an executor thread, a subscription never runs more than {@code concurrency} messages (waiting or
 * running), and with concurrency 1 the messages behind a retrying one wait for it (head-of-line), which keeps each
 * publisher's order.
 *
 * <p><b>Rate limit.</b> A subscription with a {@link RateLimiter} asks it for a token before the first attempt at
 * each message; without one, the message waits in the same way as a retry (a {@link MailboxRetry} of attempt 1,
 * holding the slot) until the token is due, and asks again then. The messages behind it stay in the queue, holding
 * room, so the overflow policy applies as the mailbox fills.
 *
 * <p><b>Outcome.</b> Each message taken out of the queue ends exactly once, in {@link Invoker#attempt} (through the
 * subscription's guard) or {@link #dropped} (reported by the {@link DeadLetterOffice}): handled, or reported as a
 * dead letter, and then its tracker is settled.
 *
 * <p><b>Context.</b> {@link Propagation} captures the publisher's thread-bound context when a message enters, and
 * restores it around each attempt on the drain task's thread.
 *
 * <p><b>Closing.</b> Once {@link #closing} is set, drain tasks report what is left as dropped instead of handling
 * it, and waiting retries are dropped at once, so nothing is lost without a report.
 */
final class Mailbox {
    /**
     * A drain task yields its thread to the other tasks of a shared executor after at least this many messages and
     * {@link #TURN_NANOS}: one that yielded every 256 fast messages spent more on re-entering the executor's queue
     * (a lock, a node) than on the messages.
     */
    private static final int BATCH = 256;
    /** The least time a drain task runs before it yields its thread; see {@link #BATCH}. */
    private static final long TURN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How many times an idle drain task looks for a new message before it leaves; see the class note. */
    private static final int IDLE_SPINS = 1 << 10;
    /**
     * An idle drain task waits for this many messages before it resumes, for up to {@link #PATIENCE} spins (about a
     * microsecond): a consumer that takes each message as soon as it lands shares the producers' cache lines and
     * slows them several times over.
     */
    private static final int BURST = 32;
    private static final int PATIENCE = 32;

    /** The subscription's delivery options that concern its mailbox. */
    record Settings(Executor executor, int capacity, OverflowPolicy overflow, long blockNanos, int concurrency) {
    }

    private final Invoker invoker;
    private final DeadLetterOffice office;
    private final Propagation propagation;
    private final Subscriber owner;
    private final Settings settings;
    private final MessageQueue<Object> queue;
    /** Set when bare payloads may enter ({@link #takesPayloads()}): the topic of all of them. */
    private final Topic<?> payloadTopic;
    private final MailboxCapacity room;
    private final boolean singleConsumer;
    private final AtomicInteger drainers = new PaddedCounter();
    /**
     * Single consumer only: held for the few steps of each poll of the MPSC queue, so that {@link #close()} may take
     * the waiting messages while a drain task is stuck in a handler, without two threads ever polling at once.
     */
    private final AtomicInteger polling = new PaddedCounter();
    private final Runnable drainTask = this::drain;
    private final MailboxWaits waits;
    private volatile boolean closing;

    /**
     * Runs on the scheduler's thread when a wait ended ({@link MailboxWaits#resume}): hands its slot on to a drain
     * task, which resumes with its message.
     */
    void resume(MailboxRetry retry) {
        Throwable refused = execute(() -> drain(retry));
        if (refused != null) {
            office.executorRejected(owner.name, refused);
            if (retry.last != null) {
                retry.last.addSuppressed(refused);
            }
            abandon(retry, DroppedMessage.Reason.EXECUTOR_REJECTED);
            dropAll(DroppedMessage.Reason.EXECUTOR_REJECTED, refused);
        }
    }

    /**
     * Hands a drain task, which holds a slot, to the executor. Returns what refused it, or null: a
     * {@link RejectedExecutionException}, as the executor's contract says, or whatever else its {@code execute} threw
     * without running the task (a pool that could not start a thread throws an {@link OutOfMemoryError}); the
     * caller then reports the waiting messages and gives the slot back, so the subscription does not stay stuck
     * with a slot nobody holds. A failure of the task itself, run on this thread by a direct executor, is rethrown.
     */
    private Throwable execute(Runnable task) {
        DispatchContext context = DispatchContext.current();
        long begun = context.drainsBegun;
        try {
            settings.executor().execute(task);
            return null;
        } catch (RuntimeException | Error refused) {
            if (context.drainsBegun != begun) {
                throw refused;
            }
            return refused;
        }
    }

    Mailbox(Invoker invoker, DeadLetterOffice office, Propagation propagation, boolean interceptors, Subscriber owner,
            Settings settings) {
        this.invoker = invoker;
        this.office = office;
        this.propagation = propagation;
        this.owner = owner;
        this.settings = settings;
        this.room = new MailboxCapacity(settings.capacity());
        this.waits = new MailboxWaits(this, office, owner);
        this.singleConsumer = settings.concurrency() == 1 && settings.overflow() != OverflowPolicy.DROP_OLDEST;
        boolean ring = singleConsumer && settings.capacity() <= MpscArrayQueue.MAX_CAPACITY;
        this.queue = ring ? new MpscArrayQueue(settings.capacity()) : MessageQueue.multiConsumer();
        this.payloadTopic = ring && owner.payloadHandler != null && owner.guard == null && owner.isolation == null
                && !interceptors && propagation.isEmpty() ? owner.selector.topic() : null;
    }

    /**
     * True if a publish may put a bare payload here ({@link #putPayload}): a single-consumer ring, a payload handler
     * on an exact topic with no guard, no isolation and no module, on a bus without interceptors or context
     * propagators. Such a message needs nothing an envelope carries until somebody asks for it.
     */
    boolean takesPayloads() {
        return payloadTopic != null && owner.module == null;
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
        if (!tryReserveOrWait()) {
            throw full("message " + envelope.id() + " on topic '" + envelope.topic().name() + "'");
        }
    }

    private boolean tryReserveOrWait() {
        return room.tryReserve()
                || settings.overflow() == OverflowPolicy.BLOCK && room.await(settings.blockNanos());
    }

    private MailboxFullException full(String message) {
        return new MailboxFullException("mailbox of subscription '" + owner.name + "' is full (capacity "
                + settings.capacity() + ", overflow " + settings.overflow()
                + (settings.overflow() != OverflowPolicy.BLOCK ? ""
                        : Thread.currentThread().isInterrupted() ? ", the publisher was interrupted while it waited"
                        : ", waited " + TimeUnit.NANOSECONDS.toMillis(settings.blockNanos()) + " ms")
                + "); " + message + " was published to nobody");
    }

    /**
     * Puts a bare payload in a mailbox that {@link #takesPayloads()}, as the only subscription of its route: room is
     * taken by the overflow policy (waiting under {@code BLOCK}), then the message is queued.
     *
     * @return the message's delivery, which is also its publish's result
     * @throws MailboxFullException if a refusing policy found no room
     */
    PublishResult putPayload(Object payload) {
        if (!(refuses() ? tryReserveOrWait() : room.tryReserve())) {
            if (refuses()) {
                throw full("a message on topic '" + payloadTopic.name() + "'");
            }
            PayloadDelivery refused = new PayloadDelivery(payload);
            dropped(refused, DroppedMessage.Reason.MAILBOX_FULL, false, null, 0);
            return refused;
        }
        PayloadDelivery delivery = new PayloadDelivery(payload);
        queue.offer(delivery);
        startDraining();
        return delivery;
    }

    /** Gives back room reserved for a publish that did not happen. */
    void release() {
        room.release();
    }

    private void freeRoom() {
        room.free(singleConsumer);
    }

    /**
     * Puts a message in the mailbox, in room reserved before for a refusing mailbox, or taken now by the overflow
     * policy.
     *
     * @return false if {@code DROP_NEWEST} dropped it
     */
    boolean put(Envelope<?> envelope, Results.Tracker tracker) {
        if (settings.overflow() == OverflowPolicy.DROP_NEWEST && !room.tryReserve()) {
            dropped(new QueuedMessage(envelope, tracker, null), DroppedMessage.Reason.MAILBOX_FULL, false, null, 0);
            return false;
        }
        if (settings.overflow() == OverflowPolicy.DROP_OLDEST) {
            while (!room.tryReserve()) {
                Object oldest = queue.poll();
                if (oldest != null) {
                    freeRoom();
                    dropped(oldest, DroppedMessage.Reason.MAILBOX_FULL, true, null, 0);
                }
            }
        }
        if (tracker != null) {
            tracker.add();
        }
        queue.offer(new QueuedMessage(envelope, tracker, propagation.capture()));
        startDraining();
        return true;
    }

    /**
     * Puts a message only if there is room now, whatever the overflow policy: never waits, drops or refuses. For
     * point-to-point sends and requests, which then try another subscription.
     *
     * @return false if the mailbox is full
     */
    boolean offer(Envelope<?> envelope, Results.Tracker tracker) {
        if (!enqueue(envelope, tracker)) {
            return false;
        }
        startDraining();
        return true;
    }

    /**
     * The first half of {@link #offer}: queues the message if there is room, without starting a drain task, for a
     * caller that holds a lock the handler must not run under (an executor may run the task inline). The caller then
     * calls {@link #startDraining()}, which reads the drainer count after this write, as a producer must.
     */
    boolean enqueue(Envelope<?> envelope, Results.Tracker tracker) {
        if (!room.tryReserve()) {
            return false;
        }
        if (tracker != null) {
            tracker.add();
        }
        queue.offer(new QueuedMessage(envelope, tracker, propagation.capture()));
        return true;
    }

    /** The second half of {@link #offer}: starts a drain task for what {@link #enqueue} queued, if none runs. */
    void startDraining() {
        if (drainers.get() < settings.concurrency() && tryAddDrainer()) {
            start();
        } else if (closing) {
            dropWaiting();
        }
    }

    /** The name of the subscription it belongs to. */
    String name() {
        return owner.name;
    }

    /** For introspection: settings, messages accepted and not yet taken, drain tasks running, retries waiting. */
    SubscriptionInfoParts parts() {
        return new SubscriptionInfoParts(settings.concurrency(), settings.capacity(), room.queued(), drainers.get(),
                waits.size());
    }

    /** What {@code subscriptions()} reports of a mailbox, read without locks. */
    record SubscriptionInfoParts(int concurrency, int capacity, int queued, int workers, int retriesPending) {
    }

    /** True when nothing waits and no drain task runs. */
    boolean isIdle() {
        return room.isEmpty() && drainers.get() == 0;
    }

    /** True once the subscription was closed and everything it accepted is handled: close() need not wait. */
    boolean isRetired() {
        return !owner.isActive() && isIdle();
    }

    /**
     * Stops handling messages: drain tasks report the rest as dropped, and so are waiting retries, here. If no drain
     * task is running, reports the waiting messages here too.
     */
    void close() {
        closing = true;
        for (MailboxRetry retry : waits.takeAll()) {
            drain(retry);
        }
        if (tryAddDrainer()) {
            drain();
        } else {
            dropWaiting();
        }
    }

    /**
     * Reports every waiting message as closed with the bus, on this thread: for close() while every drain task is busy
     * (a handler stuck past the drain timeout), and for a message that entered after close() did so. A drain task
     * that comes back finds the queue empty.
     */
    private void dropWaiting() {
        Object entry;
        while ((entry = take()) != null) {
            freeRoom();
            dropped(entry, DroppedMessage.Reason.BUS_CLOSED, true, null, 0);
        }
    }

    /** The oldest waiting message, a {@link QueuedMessage} or a {@link PayloadDelivery}, or null; for the MPSC ring,
     * one poller at a time. */
    private Object take() {
        if (!singleConsumer) {
            return queue.poll();
        }
        while (!polling.compareAndSet(0, 1)) {
            Thread.onSpinWait();
        }
        try {
            return queue.poll();
        } finally {
            polling.setRelease(0);
        }
    }

    private void drain() {
        drain(null);
    }

    /** Drains in a slot already taken, first resuming {@code resumed} if it is not null. */
    private void drain(MailboxRetry resumed) {
        DispatchContext context = DispatchContext.current();
        context.drainsBegun++;
        Mailbox outer = context.draining;
        context.draining = this;
        try {
            drain(resumed, context);
        } finally {
            context.draining = outer;
        }
    }

    private void drain(MailboxRetry resumed, DispatchContext context) {
        boolean inline = context.startingDrain;
        long began = System.nanoTime();
        int handled = 0;
        if (resumed != null) {
            if (closing) {
                abandon(resumed, DroppedMessage.Reason.BUS_CLOSED);
            } else if (resumed.attempt == 1 ? !first(resumed.entry, context)
                    : !attempt(resumed.entry, resumed.attempt, resumed.last, context)) {
                return;
            }
            handled++;
        }
        for (;;) {
            Object entry = take();
            if (entry == null) {
                if (!inline && awaitWork()) {
                    continue;
                }
                drainers.decrementAndGet();
                if (queue.isEmpty() || !tryAddDrainer()) {
                    return;
                }
                continue;
            }
            freeRoom();
            if (closing) {
                dropped(entry, DroppedMessage.Reason.BUS_CLOSED, true, null, 0);
                continue;
            }
            if (entry instanceof PayloadDelivery delivery) {
                try {
                    invoker.deliver(owner, delivery, payloadTopic, context);
                } catch (Error fatal) {
                    start();
                    throw fatal;
                }
            } else if (!first((QueuedMessage) entry, context)) {
                return;
            }
            if (Thread.currentThread().isInterrupted() && !context.handingOff) {
                handOff(context);
                return;
            }
            if (++handled % BATCH == 0 && System.nanoTime() - began >= TURN_NANOS) {
                start();
                return;
            }
        }
    }

    /**
     * Watches an empty ring for a bounded spin (see the class note); true if a message arrived.
     * Other queues are not watched.
     */
    private boolean awaitWork() {
        if (!(queue instanceof MpscArrayQueue ring)) {
            return false;
        }
        for (int spin = 0; spin < IDLE_SPINS; spin++) {
            if (ring.hasEntry(BURST) || spin >= PATIENCE && ring.hasEntry(0)) {
                return true;
            }
            if (closing) {
                return false;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * Makes an attempt at a message and ends its delivery, unless a retry takes it over.
     *
     * @return true if the message is finished; false if it waits for a retry, which now owns this slot
     */
    private boolean attempt(QueuedMessage entry, int attempt, Throwable last, DispatchContext context) {
        ContextPropagator.Scope restored = propagation.restore(entry.context, owner.name);
        try {
            Throwable retryable = invoker.attempt(owner, entry, attempt, last, context);
            return retryable == null || !waits.retryLater(entry, attempt + 1, retryable, owner.guard);
        } catch (Error fatal) {
            start();
            throw fatal;
        } finally {
            restored.close();
        }
    }

    /**
     * Makes the first attempt at a message once the subscription's rate limit has a token for it.
     *
     * @return true if the message is finished; false if it waits for a token or a retry, which now owns this slot
     */
    private boolean first(QueuedMessage entry, DispatchContext context) {
        Guard guard = owner.guard;
        if (guard != null && guard.limiter != null) {
            long wait = guard.limiter.tryAcquire();
            if (wait > 0L) {
                return !waits.throttle(entry, wait, guard);
            }
        }
        return attempt(entry, 1, null, context);
    }

    /** True once {@link #close()} began. */
    boolean isClosing() {
        return closing;
    }

    /** Ends a waiting message as dropped, in the slot it held. */
    void abandon(MailboxRetry retry, DroppedMessage.Reason reason) {
        Guard guard = owner.guard;
        if (guard != null) {
            guard.forget(retry.entry.envelope().id());
        }
        dropped(retry.entry, reason, true, retry.last, retry.attempt - 1);
    }

    /**
     * Leaves an interrupted thread (an executor's {@code shutdownNow()}, most often) to its executor: the rest goes to
     * a new drain task, which the executor runs, or refuses if it was shut down, and then the rest is reported once.
     * An executor that runs the task on this very thread ({@code Runnable::run}) drains on, interrupted.
     */
    private void handOff(DispatchContext context) {
        context.handingOff = true;
        try {
            start();
        } finally {
            context.handingOff = false;
        }
    }

    /** Runs a drain task for a drainer slot already taken. */
    private void start() {
        DispatchContext context = DispatchContext.current();
        boolean outer = context.startingDrain;
        context.startingDrain = true;
        try {
            Throwable refused = execute(drainTask);
            if (refused != null) {
                office.executorRejected(owner.name, refused);
                dropAll(DroppedMessage.Reason.EXECUTOR_REJECTED, refused);
            }
        } finally {
            context.startingDrain = outer;
        }
    }

    /**
     * In a slot we hold, so as the only consumer: reports everything waiting, then gives the slot back, and tries
     * again if a message arrived meanwhile (as the drain loop does, so none is left without a drain task).
     */
    private void dropAll(DroppedMessage.Reason reason, Throwable rejected) {
        Object entry;
        while ((entry = take()) != null) {
            freeRoom();
            if (closing) {
                dropped(entry, DroppedMessage.Reason.BUS_CLOSED, true, null, 0);
            } else {
                dropped(entry, reason, true, rejected, 0);
            }
        }
        drainers.decrementAndGet();
        if (!queue.isEmpty() && tryAddDrainer()) {
            start();
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

    private void dropped(Object entry, DroppedMessage.Reason reason, boolean wasAccepted, Throwable last,
                         int attempts) {
        if (entry instanceof PayloadDelivery delivery) {
            office.dropped(delivery, payloadTopic, owner.name, reason, wasAccepted, last, attempts);
        } else {
            office.dropped((QueuedMessage) entry, owner.name, reason, wasAccepted, last, attempts);
        }
    }
}
