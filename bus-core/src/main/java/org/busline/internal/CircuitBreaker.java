package org.busline.internal;

import org.busline.CircuitBreakerPolicy;
import org.busline.CircuitBreakerPolicy.State;
import org.busline.CircuitBreakerPolicy.StateChange;
import org.busline.spi.Scheduler;

/**
 * The circuit breaker of one subscription, as {@link CircuitBreakerPolicy} describes it.
 *
 * <p><b>Concurrency.</b> Every read and write of the state and the window happens under this object's monitor, held
 * for a few arithmetic steps and never while a handler runs or a listener is called: state changes are computed
 * under the monitor and announced after it is released. Only subscriptions that opt in pay for it.
 *
 * <p><b>Permits.</b> {@link #acquire()} hands out {@link #PERMITTED} calls while closed and a single {@link #TRIAL}
 * call while half-open; {@link #record} takes the permit back with the outcome. An outcome of a call permitted while
 * closed counts only if the breaker is still closed, and only the trial's outcome decides a half-open breaker, so
 * calls that straddle a change of state cannot confuse it.
 *
 * <p><b>Window.</b> Ten buckets of a tenth of the window each, addressed by {@code floorDiv(now, width)} modulo 10
 * and reset when reused for a later step.
 */
final class CircuitBreaker {
    static final int REJECTED = 0;
    static final int PERMITTED = 1;
    static final int TRIAL = 2;

    private static final int BUCKETS = 10;

    private final CircuitBreakerPolicy policy;
    private final String subscriber;
    private final Scheduler scheduler;
    private final DeadLetterOffice office;
    private final long bucketNanos;
    private final long waitNanos;
    private final long[] steps = new long[BUCKETS];
    private final int[] calls = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private State state = State.CLOSED;
    private long openedAt;
    private boolean trialRunning;

    CircuitBreaker(CircuitBreakerPolicy policy, String subscriber, Scheduler scheduler,
                   DeadLetterOffice office) {
        this.policy = policy;
        this.subscriber = subscriber;
        this.scheduler = scheduler;
        this.office = office;
        this.bucketNanos = Math.max(1L, saturatedNanos(policy.window()) / BUCKETS);
        this.waitNanos = saturatedNanos(policy.halfOpenAfter());
        clearWindow();
    }

    /** Asks to call the handler: {@link #REJECTED}, {@link #PERMITTED} or {@link #TRIAL}. */
    int acquire() {
        StateChange change;
        synchronized (this) {
            switch (state) {
                case CLOSED:
                    return PERMITTED;
                case HALF_OPEN:
                    if (trialRunning) {
                        return REJECTED;
                    }
                    trialRunning = true;
                    return TRIAL;
                default:
                    if (scheduler.nanoTime() - openedAt < waitNanos) {
                        return REJECTED;
                    }
                    change = move(State.HALF_OPEN);
                    trialRunning = true;
            }
        }
        announce(change);
        return TRIAL;
    }

    /** Records the outcome of a call made with {@code permit}. */
    void record(int permit, boolean success) {
        StateChange change = null;
        synchronized (this) {
            long now = scheduler.nanoTime();
            if (permit == TRIAL) {
                trialRunning = false;
                if (state == State.HALF_OPEN) {
                    change = success ? move(State.CLOSED) : open(now);
                }
            } else if (permit == PERMITTED && state == State.CLOSED) {
                long step = Math.floorDiv(now, bucketNanos);
                int index = Math.floorMod(step, BUCKETS);
                if (steps[index] != step) {
                    steps[index] = step;
                    calls[index] = 0;
                    failures[index] = 0;
                }
                calls[index]++;
                if (!success) {
                    failures[index]++;
                }
                int windowCalls = 0;
                int windowFailures = 0;
                for (int i = 0; i < BUCKETS; i++) {
                    if (step - steps[i] < BUCKETS) {
                        windowCalls += calls[i];
                        windowFailures += failures[i];
                    }
                }
                if (policy.shouldOpen(windowCalls, windowFailures)) {
                    change = open(now);
                }
            }
        }
        if (change != null) {
            announce(change);
        }
    }

    synchronized State state() {
        return state;
    }

    /** Under the monitor. */
    private StateChange open(long now) {
        openedAt = now;
        clearWindow();
        return move(State.OPEN);
    }

    /** Under the monitor. */
    private StateChange move(State to) {
        StateChange change = new StateChange(subscriber, state, to);
        state = to;
        if (to == State.CLOSED) {
            clearWindow();
        }
        return change;
    }

    /** Under the monitor. */
    private void clearWindow() {
        for (int i = 0; i < BUCKETS; i++) {
            steps[i] = Long.MIN_VALUE;
            calls[i] = 0;
            failures[i] = 0;
        }
    }

    private void announce(StateChange change) {
        office.announce(change, policy.stateChangeListener());
    }

    private static long saturatedNanos(java.time.Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
