package org.busline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

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
 * at most {@link #capacity(int)} messages; what happens beyond is the {@link OverflowPolicy}. With concurrency 1,
 * when its mailbox runs empty, the subscription's task spins on the executor's thread for a bounded time (about 30
 * microseconds) waiting for the next message before it gives the thread back, so that a steady stream is not woken
 * message by message; a shared pool or a virtual thread's carrier is held no longer than that.
 *
 * <p><b>Envelopes on demand.</b> A message published with {@code publish(message)} or
 * {@code publish(topic, message)} from outside any handler, to a topic whose only subscription is asynchronous with a
 * {@link MessageHandler} (no retry, timeout, breaker, bulkhead, idempotence, isolation or rate limit, a mailbox of at
 * most 65,536, on a bus without interceptors or context propagators), travels without an envelope: 16 bytes per
 * message. Its envelope is made when first needed, by {@link MessageBus#currentEnvelope()} in the handler or by a
 * failure's report, so its id and timestamp are of that moment rather than of the publish.
 *
 * <p><b>Resilience.</b> Per subscription, and opt-in: {@link #retry(RetryPolicy)} and {@link #timeout(Duration)}
 * (asynchronous only), {@link #circuitBreaker(CircuitBreakerPolicy)}, a bulkhead ({@link #concurrency(int)}) and
 * {@link #idempotent(int)}. For each message a subscription receives, its delivery ends exactly once: handled, or
 * given up and published as a {@link DeadLetter}. They apply in this order: a duplicate is skipped; a synchronous
 * call beyond the bulkhead is rejected; an open breaker rejects; then the handler is called, with a deadline if
 * there is a timeout, and retried on failure as the retry policy says. Rejections and final failures become dead
 * letters.
 */
public final class Delivery {
    /** The default mailbox capacity of an asynchronous subscription. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** The default time a publisher waits for room under {@link OverflowPolicy#BLOCK}. */
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(10);

    /** No limit: the {@linkplain #concurrency() concurrency} of synchronous delivery unless one is set. */
    private static final int UNLIMITED = Integer.MAX_VALUE;

    private static final Delivery SYNC = new Delivery(new Options(false, null, UNLIMITED));

    private final boolean async;
    private final Executor executor;
    private final int capacity;
    private final OverflowPolicy overflow;
    private final Duration blockTimeout;
    private final int concurrency;
    private final String name;
    private final int priority;
    private final boolean propagateFailures;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final CircuitBreakerPolicy circuitBreaker;
    private final int idempotenceWindow;
    private final boolean isolated;
    private final RateLimit rateLimit;
    private final String module;

    /** A mutable copy of every option, changed by one refining method before it makes the next instance. */
    private static final class Options {
        boolean async;
        Executor executor;
        int capacity = DEFAULT_CAPACITY;
        OverflowPolicy overflow = OverflowPolicy.BLOCK;
        Duration blockTimeout = DEFAULT_BLOCK_TIMEOUT;
        int concurrency;
        String name;
        int priority;
        boolean propagateFailures;
        RetryPolicy retry;
        Duration timeout;
        CircuitBreakerPolicy circuitBreaker;
        int idempotenceWindow;
        boolean isolated;
        RateLimit rateLimit;
        String module;

        Options(boolean async, Executor executor, int concurrency) {
            this.async = async;
            this.executor = executor;
            this.concurrency = concurrency;
        }

        Options(Delivery from) {
            async = from.async;
            executor = from.executor;
            capacity = from.capacity;
            overflow = from.overflow;
            blockTimeout = from.blockTimeout;
            concurrency = from.concurrency;
            name = from.name;
            priority = from.priority;
            propagateFailures = from.propagateFailures;
            retry = from.retry;
            timeout = from.timeout;
            circuitBreaker = from.circuitBreaker;
            idempotenceWindow = from.idempotenceWindow;
            isolated = from.isolated;
            rateLimit = from.rateLimit;
            module = from.module;
        }
    }

    private Delivery(Options options) {
        this.async = options.async;
        this.executor = options.executor;
        this.capacity = options.capacity;
        this.overflow = options.overflow;
        this.blockTimeout = options.blockTimeout;
        this.concurrency = options.concurrency;
        this.name = options.name;
        this.priority = options.priority;
        this.propagateFailures = options.propagateFailures;
        this.retry = options.retry;
        this.timeout = options.timeout;
        this.circuitBreaker = options.circuitBreaker;
        this.idempotenceWindow = options.idempotenceWindow;
        this.isolated = options.isolated;
        this.rateLimit = options.rateLimit;
        this.module = options.module;
    }

    /** Returns a copy of this delivery with one change. */
    private Delivery with(Consumer<Options> change) {
        Options options = new Options(this);
        change.accept(options);
        return new Delivery(options);
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
        return new Delivery(new Options(true, null, 1));
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
        return new Delivery(new Options(true, executor, 1));
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
        return with(options -> options.capacity = capacity);
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
        return with(options -> options.overflow = overflow);
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
        return with(options -> options.blockTimeout = blockTimeout);
    }

    /**
     * Sets the subscription's bulkhead: the most calls of its handler at once, so one slow subscriber cannot take
     * every thread of a shared executor, nor every publisher thread.
     *
     * <p><b>Asynchronous</b> (default 1): at most {@code concurrency} drain tasks run on the executor. A message
     * waiting out a retry's back-off keeps its slot, and so does a timed-out attempt until its handler returns, so
     * the limit counts threads truly taken. Messages beyond the limit wait in the bounded mailbox; beyond its
     * capacity the {@link OverflowPolicy} applies. With 1, the handler sees one message at a time, in each publisher
     * thread's order, also across retries; with more, messages are no longer handled in order.
     *
     * <p><b>Synchronous</b> (default: no limit): at most {@code concurrency} publisher threads run the handler at
     * once; a call beyond is rejected at once, never waited for, and goes to the dead-letter path with
     * {@link DeadLetter.Reason#BULKHEAD_FULL}. A rejected delivery counts in {@link PublishResult#reached()}, fails
     * {@link PublishResult#completion()}, and fails the publish under {@link #propagateFailures()}.
     *
     * @param concurrency the most handler calls at once; positive
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    public Delivery concurrency(int concurrency) {
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be positive, but was " + concurrency);
        }
        return with(options -> options.concurrency = concurrency);
    }

    /**
     * Names the subscription, for logs, error reports and dead letters. A given name is unique on its bus: while a
     * subscription or responder of that name is active, subscribing another one with it fails. With
     * {@link MessageBus#register(Object, Delivery)}, the registration has this name, and each of several
     * {@code @Subscribe} methods is named {@code name.method}.
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
        return with(options -> options.name = name);
    }

    /**
     * Sets the subscription's priority: a message reaches the subscriptions of higher priority first, and those of one
     * priority in the order they were made (greenrobot EventBus's priority). Default 0; any value, negative ones
     * after the default. A synchronous handler of higher priority runs before the others on the publisher's thread;
     * an asynchronous subscription of higher priority receives the message into its mailbox first, which orders the
     * hand-over only, not when each executor runs the handlers. Among point-to-point consumers and responders, it
     * orders the rotation. Priority is per route: a subscription of a supertype and one of the exact type are ordered
     * by it too, since both receive the message on the same topic.
     *
     * @param priority higher first
     * @return the refined delivery
     */
    public Delivery priority(int priority) {
        return with(options -> options.priority = priority);
    }

    /**
     * Makes a failure of this synchronous subscription fail the publish too, for a publisher inside a transaction
     * that must roll back. The other subscribers still receive the message; then {@code publish} throws a
     * {@link DeliveryException} whose cause is the failure. The error handler is called as usual.
     *
     * <p>A publish made from inside a synchronous handler of the same bus is delivered after the current message
     * (breadth first), once that handler has returned, so it cannot throw: its failure fails the nested publish's
     * {@link PublishResult#completion()} and, from there, nothing else. A publish on another bus, from a handler of
     * this one, is delivered within the call and throws as usual.
     *
     * @return the refined delivery
     * @throws IllegalStateException if this delivery is asynchronous
     */
    public Delivery propagateFailures() {
        if (async) {
            throw new IllegalStateException("propagateFailures() applies to synchronous delivery only; "
                    + "an asynchronous publisher can await PublishResult.completion() instead");
        }
        return with(options -> options.propagateFailures = true);
    }

    /**
     * Retries a failed message as {@code retry} says, with back-off on the bus's scheduler; the attempt number is in
     * the header {@value RetryPolicy#ATTEMPT_HEADER}. A message waiting for its retry keeps its place: it holds one of
     * the subscription's {@linkplain #concurrency(int) concurrency} slots, so with concurrency 1 the mailbox waits for
     * it (head-of-line blocking) and each publisher's order is kept. When retries are exhausted, or the failure is
     * not retryable, the last failure goes to the error handler and the message to the dead-letter path
     * ({@link DeadLetter.Reason#FAILED}). {@link PublishResult#completion()} settles after the last attempt.
     *
     * <p>Asynchronous only: a synchronous handler runs on the publisher's thread, which must not wait out a
     * back-off.
     *
     * @param retry the policy; not null
     * @return the refined delivery
     * @throws IllegalStateException if this delivery is synchronous
     */
    public Delivery retry(RetryPolicy retry) {
        Objects.requireNonNull(retry, "retry");
        if (!async) {
            throw new IllegalStateException("retry applies to asynchronous delivery: a synchronous handler runs on "
                    + "the publisher's thread, which must not wait out a back-off; start from "
                    + "Delivery.async(executor)");
        }
        return with(options -> options.retry = retry);
    }

    /**
     * Sets a deadline on each attempt of an asynchronous handler. When it passes, the attempt fails with a
     * {@link java.util.concurrent.TimeoutException} (retried or dead-lettered like any failure, and counted by the
     * circuit breaker) and the handler's thread is interrupted; whatever the handler returns or throws afterwards is
     * ignored. The thread is not abandoned: the subscription's slot stays taken until the handler returns, so a
     * handler that ignores interrupts delays its mailbox but can never make the subscription take more threads
     * than its {@linkplain #concurrency(int) concurrency}. The deadline runs on the bus's scheduler.
     *
     * @param timeout the longest time of one attempt; positive
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException    if this delivery is synchronous
     */
    public Delivery timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!async) {
            throw new IllegalStateException("timeout applies to asynchronous delivery: a synchronous handler runs "
                    + "on the publisher's thread, which the bus does not interrupt; start from "
                    + "Delivery.async(executor)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        return with(options -> options.timeout = timeout);
    }

    /**
     * Guards the subscription with a circuit breaker of its own: while it is open, deliveries are rejected without
     * calling the handler and go to the dead-letter path ({@link DeadLetter.Reason#CIRCUIT_OPEN}). For synchronous
     * and asynchronous delivery; a rejected synchronous delivery fails the publish under
     * {@link #propagateFailures()}.
     *
     * @param circuitBreaker the policy; not null
     * @return the refined delivery
     */
    public Delivery circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        return with(options -> options.circuitBreaker = circuitBreaker);
    }

    /**
     * Makes the subscription skip a message whose {@linkplain Envelope#id() id} it has already accepted, among the
     * last {@code window} ids, so a redelivered message is handled once. An id is remembered when its delivery
     * starts (a duplicate arriving while the first is still being handled is skipped too) and forgotten if that
     * delivery ends as a dead letter, so re-publishing a {@link DeadLetter}'s envelope gets it handled. A skipped
     * duplicate counts as handled: it is not a dead letter and does not fail the publish. For synchronous and
     * asynchronous delivery; the window costs one remembered id per message.
     *
     * @param window how many of the latest ids are remembered; positive
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code window} is not positive
     */
    public Delivery idempotent(int window) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive, but was " + window);
        }
        return with(options -> options.idempotenceWindow = window);
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
        return with(options -> options.isolated = true);
    }

    /**
     * Limits the subscription (or responder) to {@code permits} messages per {@code per}, with a burst of
     * {@code permits}: see {@link #rateLimit(RateLimit)}.
     *
     * @param permits how many messages per period; positive
     * @param per     the period; positive
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code permits} or {@code per} is not positive
     */
    public Delivery rateLimit(int permits, Duration per) {
        return rateLimit(RateLimit.of(permits, per));
    }

    /**
     * Limits how fast the subscription (or responder) receives messages, by a token bucket on the bus's scheduler
     * clock. <b>Asynchronous</b>: the mailbox holds its messages and hands them to the handler no faster than the
     * limit; they wait in the bounded mailbox, so under a lasting excess the {@link OverflowPolicy} applies when it
     * fills. A message waiting for its token keeps its drainer slot (as a retry does), so order is kept with
     * concurrency 1; retries of a failed message take no new token. <b>Synchronous</b>: a call that finds no token
     * is rejected at once, as the bulkhead rejects, and goes to the dead-letter path with
     * {@link DeadLetter.Reason#RATE_LIMITED}; it counts in {@link PublishResult#reached()}, fails
     * {@link PublishResult#completion()}, and fails a request with {@link RequestException.Reason#REJECTED}.
     *
     * @param rateLimit the limit; not null
     * @return the refined delivery
     */
    public Delivery rateLimit(RateLimit rateLimit) {
        Objects.requireNonNull(rateLimit, "rateLimit");
        return with(options -> options.rateLimit = rateLimit);
    }

    /**
     * Returns the rate limit.
     *
     * @return the limit set with {@link #rateLimit(RateLimit)}, or null for none
     */
    public RateLimit rateLimit() {
        return rateLimit;
    }

    /**
     * Names the module the subscription (or responder) belongs to, for the bus's
     * {@linkplain MessageBus.Builder#boundaries(Boundaries) module boundaries}: it is checked at subscribe as that
     * module's consumer, and its handler publishes as that module. Without it, a subscription with a
     * {@linkplain #name(String) given name} belongs to the module named by the name up to its first dot
     * ({@code payments} and {@code payments.capture} to {@code payments}; each {@code @Subscribe} method of a
     * registration named {@code payments} too), as bus-test's {@code Topology} reads names; a subscription without
     * a given name names no module.
     *
     * @param module a word without spaces
     * @return the refined delivery
     * @throws IllegalArgumentException if {@code module} is blank or contains spaces
     */
    public Delivery module(String module) {
        Objects.requireNonNull(module, "module");
        if (module.isBlank() || module.chars().anyMatch(Character::isWhitespace) || module.equals("*")) {
            throw new IllegalArgumentException("module must be a word without spaces, but was '" + module + "'");
        }
        return with(options -> options.module = module);
    }

    /**
     * Returns the module.
     *
     * @return the module set with {@link #module(String)}, else a given name up to its first dot, else null
     */
    public String module() {
        if (module != null || name == null) {
            return module;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
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
     * Returns the most handler calls at once, the bulkhead.
     *
     * @return the concurrency, 1 or more; {@link Integer#MAX_VALUE} (no limit) for synchronous delivery unless set
     */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Returns the priority, higher first.
     *
     * @return the priority set with {@link #priority(int)}, 0 by default
     */
    public int priority() {
        return priority;
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
     * Returns the retry policy.
     *
     * @return the policy set with {@link #retry(RetryPolicy)}, or null for a single attempt
     */
    public RetryPolicy retry() {
        return retry;
    }

    /**
     * Returns the deadline of each attempt.
     *
     * @return the timeout set with {@link #timeout(Duration)}, or null for none
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns the circuit breaker's policy.
     *
     * @return the policy set with {@link #circuitBreaker(CircuitBreakerPolicy)}, or null for none
     */
    public CircuitBreakerPolicy circuitBreaker() {
        return circuitBreaker;
    }

    /**
     * Returns how many of the latest message ids an idempotent subscription remembers.
     *
     * @return the window set with {@link #idempotent(int)}, or 0 if duplicates are not skipped
     */
    public int idempotenceWindow() {
        return idempotenceWindow;
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
        StringBuilder text = new StringBuilder("Delivery[");
        if (!async) {
            text.append("sync");
            if (concurrency != UNLIMITED) {
                text.append(", concurrency=").append(concurrency);
            }
            if (propagateFailures) {
                text.append(", propagateFailures");
            }
        } else {
            text.append("async, executor=").append(executor == null ? "default" : executor).append(", capacity=")
                    .append(capacity).append(", overflow=").append(overflow).append(", blockTimeout=")
                    .append(blockTimeout).append(", concurrency=").append(concurrency);
        }
        if (name != null) {
            text.append(", name=").append(name);
        }
        if (priority != 0) {
            text.append(", priority=").append(priority);
        }
        if (retry != null) {
            text.append(", retry=").append(retry);
        }
        if (timeout != null) {
            text.append(", timeout=").append(timeout);
        }
        if (circuitBreaker != null) {
            text.append(", circuitBreaker=").append(circuitBreaker);
        }
        if (idempotenceWindow > 0) {
            text.append(", idempotent=").append(idempotenceWindow);
        }
        if (isolated) {
            text.append(", isolated");
        }
        if (rateLimit != null) {
            text.append(", rateLimit=").append(rateLimit);
        }
        if (module != null) {
            text.append(", module=").append(module);
        }
        return text.append(']').toString();
    }

    private void requireAsync(String option) {
        if (!async) {
            throw new IllegalStateException(option + " applies to asynchronous delivery; "
                    + "start from Delivery.async(executor)");
        }
    }
}
