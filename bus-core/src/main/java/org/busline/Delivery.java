package org.busline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How a subscription receives its messages: synchronously on the publisher's thread, or asynchronously through a
 * bounded mailbox on an executor.
 *
 * <p>Start from {@link #sync()} or {@link #async(Executor)} and refine:
 * {@code Delivery.async(pool).capacity(256).overflow(OverflowPolicy.DROP_OLDEST).name("inventory")}. Each method
 * checks its argument at once and returns a new immutable instance; instances are thread-safe and reusable.
 *
 * <p><b>Synchronous</b> (the default): the handler runs on the publisher's thread before {@code publish} returns.
 * A message published from inside a synchronous handler is queued and delivered on the same thread once the
 * current message has reached all its synchronous subscribers, before the outermost {@code publish} returns
 * (breadth first, as Guava's EventBus does), so chains of any length never grow the stack.
 *
 * <p><b>Asynchronous</b>: the publish puts the message in the subscription's mailbox and returns; the executor runs
 * the handler. With the default {@linkplain #concurrency(int) concurrency} of 1, the handler sees one message at a
 * time, in the order each publisher thread published them; different subscriptions run in parallel. A mailbox holds
 * at most {@link #capacity(int)} messages; what happens beyond is the {@link OverflowPolicy}.
 */
public final class Delivery {
    /** The default mailbox capacity of an asynchronous subscription. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** The default time a publisher waits for room under {@link OverflowPolicy#BLOCK}. */
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(10);

    private static final Delivery SYNC = new Delivery(false, null, DEFAULT_CAPACITY, OverflowPolicy.BLOCK,
            DEFAULT_BLOCK_TIMEOUT, 1, null, false, false);

    private final boolean async;
    private final Executor executor;
    private final int capacity;
    private final OverflowPolicy overflow;
    private final Duration blockTimeout;
    private final int concurrency;
    private final String name;
    private final boolean propagateFailures;
    private final boolean isolated;

    private Delivery(boolean async, Executor executor, int capacity, OverflowPolicy overflow, Duration blockTimeout,
                     int concurrency, String name, boolean propagateFailures, boolean isolated) {
        this.async = async;
        this.executor = executor;
        this.capacity = capacity;
        this.overflow = overflow;
        this.blockTimeout = blockTimeout;
        this.concurrency = concurrency;
        this.name = name;
        this.propagateFailures = propagateFailures;
        this.isolated = isolated;
    }

    /**
     * Returns synchronous delivery on the publisher's thread, the default.
     *
     * @return synchronous delivery
     */
    public static Delivery sync() {
        return SYNC;
    }

    /**
     * Returns asynchronous delivery on the bus's default executor ({@link MessageBus.Builder#executor}).
     *
     * @return asynchronous delivery with a mailbox of {@value #DEFAULT_CAPACITY} and {@link OverflowPolicy#BLOCK}
     */
    public static Delivery async() {
        return new Delivery(true, null, DEFAULT_CAPACITY, OverflowPolicy.BLOCK, DEFAULT_BLOCK_TIMEOUT, 1, null,
                false, false);
    }

    /**
     * Returns asynchronous delivery on {@code executor}, which may be shared by many subscriptions and may run
     * virtual threads ({@code Executors.newVirtualThreadPerTaskExecutor()} on Java 21 and later). The bus does not
     * shut it down.
     *
     * @param executor where handlers run; not null
     * @return asynchronous delivery with a mailbox of {@value #DEFAULT_CAPACITY} and {@link OverflowPolicy#BLOCK}
     * @throws NullPointerException if {@code executor} is null
     */
    public static Delivery async(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return new Delivery(true, executor, DEFAULT_CAPACITY, OverflowPolicy.BLOCK, DEFAULT_BLOCK_TIMEOUT, 1, null,
                false, false);
    }

    /**
     * Sets the mailbox capacity of an asynchronous subscription.
     *
     * @param capacity the most messages waiting at once; positive
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code capacity} is not positive
     * @throws IllegalStateException    if this delivery is synchronous
     */
    public Delivery capacity(int capacity) {
        requireAsync("capacity");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, propagateFailures,
                isolated);
    }

    /**
     * Sets what a publish does when the mailbox is full.
     *
     * @param overflow the policy; not null
     * @return the refined delivery
     * @throws IllegalStateException if this delivery is synchronous
     */
    public Delivery overflow(OverflowPolicy overflow) {
        requireAsync("overflow");
        Objects.requireNonNull(overflow, "overflow");
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, propagateFailures,
                isolated);
    }

    /**
     * Sets how long a publisher waits for room under {@link OverflowPolicy#BLOCK} before it fails with
     * {@link MailboxFullException}.
     *
     * @param blockTimeout the longest wait; positive
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code blockTimeout} is zero or negative
     * @throws IllegalStateException    if this delivery is synchronous
     */
    public Delivery blockTimeout(Duration blockTimeout) {
        requireAsync("blockTimeout");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        if (blockTimeout.isNegative() || blockTimeout.isZero()) {
            throw new IllegalArgumentException("blockTimeout must be positive, but was " + blockTimeout);
        }
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, propagateFailures,
                isolated);
    }

    /**
     * Lets up to {@code concurrency} messages be handled at once by an asynchronous subscription. With more than
     * one, messages are no longer handled in order; the limit also keeps one slow subscriber from taking every thread
     * of a shared executor.
     *
     * @param concurrency the most handler calls at once; 1 (the default) handles one message at a time, in order
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     * @throws IllegalStateException    if this delivery is synchronous
     */
    public Delivery concurrency(int concurrency) {
        requireAsync("concurrency");
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be positive, but was " + concurrency);
        }
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, propagateFailures,
                isolated);
    }

    /**
     * Names the subscription, for logs, error reports and dead letters.
     *
     * @param name a non-blank name
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Delivery name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
        }
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, propagateFailures,
                isolated);
    }

    /**
     * Makes a failure of this synchronous subscription fail the publish too, for a publisher inside a transaction
     * that must roll back. The other subscribers still receive the message; then {@code publish} throws a
     * {@link DeliveryException} whose cause is the failure. The error handler is called as usual.
     *
     * @return the refined delivery
     * @throws IllegalStateException if this delivery is asynchronous
     */
    public Delivery propagateFailures() {
        if (async) {
            throw new IllegalStateException("propagateFailures() applies to synchronous delivery only; "
                    + "an asynchronous publisher can await PublishResult.completion() instead");
        }
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, true, isolated);
    }

    /**
     * Makes the subscription receive a deep copy of each message instead of the publisher's object, so that modules
     * cannot share mutable state by accident: what the handler does to its copy changes nothing for the publisher or
     * the other subscribers, and what the publisher does to its object after publishing changes nothing for the
     * handler. The copy is the message encoded and decoded by its topic's serializer
     * ({@link MessageBus.Builder#serializer}), with the same id and metadata. A synchronous subscription gets its
     * copy when its handler is called, an asynchronous one when the message enters its mailbox; both on the
     * publisher's thread. A message that cannot make the trip is a failure of this subscription, reported to the
     * error handler like a handler's.
     *
     * @return the refined delivery
     */
    public Delivery isolated() {
        return new Delivery(async, executor, capacity, overflow, blockTimeout, concurrency, name, propagateFailures,
                true);
    }

    /**
     * Tells whether delivery is asynchronous.
     *
     * @return true for asynchronous delivery
     */
    public boolean isAsync() {
        return async;
    }

    /**
     * Returns the executor of asynchronous delivery.
     *
     * @return the executor, or null for the bus's default (and for synchronous delivery)
     */
    public Executor executor() {
        return executor;
    }

    /**
     * Returns the mailbox capacity.
     *
     * @return the capacity, positive
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Returns the overflow policy.
     *
     * @return the policy, never null
     */
    public OverflowPolicy overflow() {
        return overflow;
    }

    /**
     * Returns how long a publisher waits for room under {@link OverflowPolicy#BLOCK}.
     *
     * @return the timeout, positive
     */
    public Duration blockTimeout() {
        return blockTimeout;
    }

    /**
     * Returns the most handler calls at once.
     *
     * @return the concurrency, 1 or more
     */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Returns the subscription's name.
     *
     * @return the name given with {@link #name(String)}, or null for a name derived from the handler
     */
    public String name() {
        return name;
    }

    /**
     * Tells whether a failure fails the publish.
     *
     * @return true if {@link #propagateFailures()} was set
     */
    public boolean propagatesFailures() {
        return propagateFailures;
    }

    /**
     * Tells whether the subscription receives copies.
     *
     * @return true if {@link #isolated()} was set
     */
    public boolean isIsolated() {
        return isolated;
    }

    @Override
    public String toString() {
        if (!async) {
            return "Delivery[sync" + (propagateFailures ? ", propagateFailures" : "") + (isolated ? ", isolated" : "")
                    + "]";
        }
        return "Delivery[async, executor=" + (executor == null ? "default" : executor) + ", capacity=" + capacity
                + ", overflow=" + overflow + ", blockTimeout=" + blockTimeout + ", concurrency=" + concurrency
                + (name == null ? "" : ", name=" + name) + (isolated ? ", isolated" : "") + "]";
    }

    private void requireAsync(String option) {
        if (!async) {
            throw new IllegalStateException(option + " applies to asynchronous delivery; "
                    + "start from Delivery.async(executor)");
        }
    }
}
