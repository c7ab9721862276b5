package org.busline.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.spi.BusFactory;
import org.busline.spi.Scheduler;

/**
 * What every room of one bus shares: its name, its clock and the stamping of new envelopes, its scheduler and default
 * executor (made on first use), and whether it is closed.
 *
 * <p><b>Threads.</b> Thread-safe. The scheduler and the bus's own executor are made under this object's monitor;
 * {@link #closed} is volatile and written once, by {@link #markClosed()}, under the same monitor, so that no executor
 * is made for a closed bus.
 */
final class Resources {
    private static final AtomicInteger BUSES = new AtomicInteger();

    final String name;
    /**
     * This bus among the buses of the JVM, never 0: what a thread's {@link DispatchContext} records as the bus it
     * is delivering for (an int, as a reference stored there would pay a GC write barrier on every publish).
     */
    final int id = BUSES.updateAndGet(last -> last == Integer.MAX_VALUE ? 1 : last + 1);
    final BusFactory.Configuration config;
    /** The context propagators of asynchronous deliveries; read by every mailbox. */
    final Propagation propagation;
    private final Clock clock;
    /** Guarded by {@code this}: the scheduler, made on first use unless configured. */
    private Scheduler scheduler;
    /** Guarded by {@code this}: the executor this bus made and must shut down, made on first use. */
    private ExecutorService ownExecutor;
    private volatile boolean closed;
    /** The module boundaries, or null if the bus has none. */
    final BoundaryCheck boundaries;

    Resources(BusFactory.Configuration config) {
        this.config = config;
        this.name = config.name();
        this.clock = config.clock();
        this.propagation = new Propagation(config.propagators());
        this.boundaries = BoundaryCheck.of(config.boundaries(), this);
    }

    boolean isClosed() {
        return closed;
    }

    /** Throws the imperative misuse error if the bus is closed. */
    void checkOpen(String method) {
        if (closed) {
            throw new IllegalStateException(method + "() must not be called after close() of bus '" + name + "'");
        }
    }

    /** Marks the bus closed; returns false if it already was. */
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Shuts down the executor this bus made, if it made one. Called by close() once mailboxes are closed. */
    synchronized void shutdownOwnExecutor() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }

    /** The bus's time and timers: the configured scheduler, or a system one made on first use. */
    synchronized Scheduler scheduler() {
        if (scheduler == null) {
            scheduler = config.scheduler() != null ? config.scheduler() : Scheduler.system();
        }
        return scheduler;
    }

    /** The executor of asynchronous subscriptions that name none: the configured one, or one this bus owns. */
    synchronized Executor defaultExecutor() {
        if (config.executor() != null) {
            return config.executor();
        }
        if (ownExecutor == null) {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory threads = task -> {
                Thread thread = new Thread(task, "busline-" + name + "-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            ownExecutor = Executors.newCachedThreadPool(threads);
        }
        return ownExecutor;
    }

    /** Where a request's timeout completes its future: the default executor, or null once the bus is closed. */
    synchronized Executor completionExecutor() {
        return closed ? null : defaultExecutor();
    }

    /** A new message's envelope: a lazy id, now, and the correlation of {@code parent} (null outside a handler). */
    @SuppressWarnings("unchecked")
    <T> Envelope<T> newEnvelope(Topic<T> topic, Object payload, Envelope<?> parent) {
        return Envelope.restore(null, topic, (T) payload, now(),
                parent == null ? null : parent.correlationId(), parent == null ? null : parent.id(),
                Map.of());
    }

    /**
     * Completes an envelope given by a caller: the timestamp if it has none, and, when published from inside a
     * handler, the parent's correlation id (unless it carries its own) and the parent's id as causation.
     */
    <T> Envelope<T> stamp(Envelope<T> envelope, Envelope<?> parent) {
        if (parent == null && envelope.timestamp() != null) {
            return envelope;   // a restored envelope published outside a handler (a bridge's): nothing to add
        }
        boolean ownCorrelation = !envelope.correlationId().equals(envelope.id());
        return Envelope.restore(envelope.id(), envelope.topic(), envelope.payload(),
                envelope.timestamp() != null ? envelope.timestamp() : now(),
                ownCorrelation || parent == null ? envelope.correlationId() : parent.correlationId(),
                envelope.causationId() != null || parent == null ? envelope.causationId() : parent.id(),
                envelope.headers());
    }

    /**
     * Timestamps have millisecond precision: {@link Clock#millis()} of the system clock is an intrinsic, where
     * {@link Clock#instant()} is a native call that cost a tenth of an asynchronous publish.
     */
    Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    static String describe(Envelope<?> envelope) {
        return "message " + envelope.id() + " on topic '" + envelope.topic().name() + "'";
    }
}
