package org.busline;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a scatter-gather request ({@link MessageBus#requestAll(Topic, Object, Class, Gather)}) collects its replies:
 * until a deadline, and optionally no longer than the first {@code n} replies or the first reply that matches a
 * predicate. Immutable; each method returns a new instance.
 *
 * <p>{@code Gather.within(Duration.ofMillis(200)).first(2)} completes after two replies, or at the deadline with
 * what came by then.
 *
 * @param <R> the type of the replies
 */
public final class Gather<R> {
    private final Duration deadline;
    private final int first;
    private final Predicate<? super R> until;

    private Gather(Duration deadline, int first, Predicate<? super R> until) {
        this.deadline = deadline;
        this.first = first;
        this.until = until;
    }

    /**
     * Gathers every reply that comes within {@code deadline}.
     *
     * @param deadline how long to wait for the replies; positive
     * @param <R>      the type of the replies
     * @return the options
     * @throws IllegalArgumentException if {@code deadline} is zero or negative
     */
    public static <R> Gather<R> within(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, but was " + deadline);
        }
        return new Gather<>(deadline, Integer.MAX_VALUE, null);
    }

    /**
     * Completes as soon as {@code n} replies came; the responders still asked are then no longer waited for.
     *
     * @param n how many replies are enough; positive
     * @return the refined options
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    public Gather<R> first(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("first must be positive, but was " + n);
        }
        return new Gather<>(deadline, n, until);
    }

    /**
     * Completes as soon as a reply matches {@code predicate} (it is among the replies). The predicate runs on the
     * thread that delivers the reply; one that throws counts as not matching.
     *
     * @param predicate what makes a reply enough; not null
     * @return the refined options
     */
    public Gather<R> until(Predicate<? super R> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new Gather<>(deadline, first, predicate);
    }

    /**
     * Returns the deadline.
     *
     * @return how long to wait, positive
     */
    public Duration deadline() {
        return deadline;
    }

    /**
     * Returns how many replies are enough.
     *
     * @return the number set with {@link #first(int)}, or {@link Integer#MAX_VALUE} for all
     */
    public int first() {
        return first;
    }

    /**
     * Returns what makes a reply enough.
     *
     * @return the predicate set with {@link #until(Predicate)}, or null for none
     */
    public Predicate<? super R> until() {
        return until;
    }

    @Override
    public String toString() {
        return "Gather[within " + deadline + (first == Integer.MAX_VALUE ? "" : ", first " + first)
                + (until == null ? "" : ", until " + until) + "]";
    }
}
