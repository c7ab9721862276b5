package org.busline;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * When a subscription stops calling a failing handler for a while. Set it with
 * {@link Delivery#circuitBreaker(CircuitBreakerPolicy)}; each subscription (each annotated method of a registered
 * object) keeps its own breaker, so one failing subscriber never affects another.
 *
 * <pre>{@code
 * Delivery.async(pool).circuitBreaker(CircuitBreakerPolicy.ofFailureCount(5, Duration.ofSeconds(10))
 *         .halfOpenAfter(Duration.ofSeconds(30))
 *         .onStateChange(change -> log.warn("{}", change)))
 * }</pre>
 *
 * <p><b>States.</b> {@link State#CLOSED}: every call goes through and its outcome is recorded in a sliding time
 * window; when the failures in the window reach the threshold ({@link #ofFailureCount} or {@link #ofFailureRate}),
 * the breaker opens. {@link State#OPEN}: deliveries are rejected at once, without calling the handler, and go to
 * the dead-letter path ({@link DeadLetter.Reason#CIRCUIT_OPEN}), so nothing is lost. Once
 * {@link #halfOpenAfter(Duration)} has passed, the next delivery finds the breaker {@link State#HALF_OPEN} and is
 * let through as a single trial call, while other deliveries are still rejected: its success closes the breaker with
 * an empty window, its failure opens it again for another wait. The move from open to half-open happens on that next
 * delivery, not on a timer.
 *
 * <p><b>What counts.</b> Each handler call is one outcome: each attempt of a retried message, and a
 * {@linkplain Delivery#timeout(Duration) timed-out} attempt as a failure. Rejected deliveries and skipped duplicates
 * are not calls. Time is the bus's {@link org.busline.spi.Scheduler}; the window slides in steps of a tenth of its
 * length, so an outcome leaves it between 0.9 and 1 window after it was recorded.
 *
 * <p><b>Observing.</b> Every change of state is given to the {@linkplain #onStateChange(Consumer) listener} and
 * published on the bus as a {@link StateChange} ({@code bus.subscribe(CircuitBreakerPolicy.StateChange.class, …)}),
 * on the thread whose call caused it, just after the change.
 *
 * <p>Instances are immutable and thread-safe; every method checks its argument at once and returns a new instance.
 */
public final class CircuitBreakerPolicy {
    /** The default wait before an open breaker lets a trial call through. */
    public static final Duration DEFAULT_HALF_OPEN_AFTER = Duration.ofSeconds(30);

    private static final Consumer<StateChange> NO_LISTENER = change -> {
    };

    /** The states of a breaker. */
    public enum State {
        /** Calls go through; failures are counted. */
        CLOSED,
        /** Calls are rejected at once. */
        OPEN,
        /** One trial call goes through; the others are rejected. */
        HALF_OPEN
    }

    /**
     * A breaker changed state.
     *
     * @param subscriber the name of the subscription whose breaker it is; not null
     * @param from       the state before; not null
     * @param to         the state after; not null
     */
    public record StateChange(String subscriber, State from, State to) {
        /**
         * Checks the components.
         *
         * @param subscriber the subscription's name; not null
         * @param from       the state before; not null
         * @param to         the state after; not null
         */
        public StateChange {
            Objects.requireNonNull(subscriber, "subscriber");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    private final int failureCount;
    private final double failureRate;
    private final int minimumCalls;
    private final Duration window;
    private final Duration halfOpenAfter;
    private final Consumer<? super StateChange> listener;

    private CircuitBreakerPolicy(int failureCount, double failureRate, int minimumCalls, Duration window,
                                 Duration halfOpenAfter, Consumer<? super StateChange> listener) {
        this.failureCount = failureCount;
        this.failureRate = failureRate;
        this.minimumCalls = minimumCalls;
        this.window = window;
        this.halfOpenAfter = halfOpenAfter;
        this.listener = listener;
    }

    /**
     * Returns a breaker that opens when {@code failures} calls failed within the last {@code window}.
     *
     * @param failures the failures that open it; positive
     * @param window   how far back failures count; positive
     * @return the policy, half-opening after {@link #DEFAULT_HALF_OPEN_AFTER}
     * @throws IllegalArgumentException if {@code failures} or {@code window} is not positive
     */
    public static CircuitBreakerPolicy ofFailureCount(int failures, Duration window) {
        if (failures <= 0) {
            throw new IllegalArgumentException("failures must be positive, but was " + failures);
        }
        return new CircuitBreakerPolicy(failures, 0.0, 1, checkWindow(window), DEFAULT_HALF_OPEN_AFTER,
                NO_LISTENER);
    }

    /**
     * Returns a breaker that opens when, within the last {@code window}, at least {@code minimumCalls} calls were
     * made and the fraction of them that failed is {@code rate} or more.
     *
     * @param rate         the failure rate that opens it; more than 0 and at most 1
     * @param minimumCalls the fewest calls in the window before the rate counts; positive
     * @param window       how far back calls count; positive
     * @return the policy, half-opening after {@link #DEFAULT_HALF_OPEN_AFTER}
     * @throws IllegalArgumentException if {@code rate} is not in (0, 1], or {@code minimumCalls} or {@code window}
     *                                  is not positive
     */
    public static CircuitBreakerPolicy ofFailureRate(double rate, int minimumCalls, Duration window) {
        if (!(rate > 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("rate must be more than 0 and at most 1, but was " + rate);
        }
        if (minimumCalls <= 0) {
            throw new IllegalArgumentException("minimumCalls must be positive, but was " + minimumCalls);
        }
        return new CircuitBreakerPolicy(0, rate, minimumCalls, checkWindow(window), DEFAULT_HALF_OPEN_AFTER,
                NO_LISTENER);
    }

    /**
     * Sets how long an open breaker rejects deliveries before it lets a trial call through.
     *
     * @param wait the wait; positive
     * @return the refined policy
     * @throws IllegalArgumentException if {@code wait} is not positive
     */
    public CircuitBreakerPolicy halfOpenAfter(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("wait must be positive, but was " + wait);
        }
        return new CircuitBreakerPolicy(failureCount, failureRate, minimumCalls, window, wait, listener);
    }

    /**
     * Sets a listener of state changes, called on the thread whose call changed the state, outside any lock. It
     * must be quick and must not throw (what it throws is logged and ignored). Replaces an earlier listener.
     *
     * @param listener the listener; not null
     * @return the refined policy
     */
    public CircuitBreakerPolicy onStateChange(Consumer<? super StateChange> listener) {
        return new CircuitBreakerPolicy(failureCount, failureRate, minimumCalls, window, halfOpenAfter,
                Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Tells whether a closed breaker opens, given what its window holds.
     *
     * @param calls    the calls recorded in the window, zero or more
     * @param failures how many of them failed, zero to {@code calls}
     * @return true if the failures reach the threshold
     */
    public boolean shouldOpen(int calls, int failures) {
        if (failureCount > 0) {
            return failures >= failureCount;
        }
        return calls >= minimumCalls && failures >= failureRate * calls;
    }

    /**
     * Returns how far back calls count.
     *
     * @return the window, positive
     */
    public Duration window() {
        return window;
    }

    /**
     * Returns how long an open breaker waits before a trial call.
     *
     * @return the wait, positive
     */
    public Duration halfOpenAfter() {
        return halfOpenAfter;
    }

    /**
     * Returns the listener of state changes.
     *
     * @return the listener set with {@link #onStateChange(Consumer)}, or one that does nothing; never null
     */
    public Consumer<? super StateChange> stateChangeListener() {
        return listener;
    }

    @Override
    public String toString() {
        return "CircuitBreakerPolicy[" + (failureCount > 0 ? "failures=" + failureCount
                : "rate=" + failureRate + ", minimumCalls=" + minimumCalls) + ", window=" + window
                + ", halfOpenAfter=" + halfOpenAfter + "]";
    }

    private static Duration checkWindow(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, but was " + window);
        }
        return window;
    }
}
