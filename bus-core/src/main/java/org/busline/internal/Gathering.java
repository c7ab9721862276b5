package org.busline.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.RequestException;

/**
 * One scatter-gather request: one {@link PendingRequest} per responder of the topic, gathered into one
 * {@link Gathered}. It is itself the future the requester holds, next to the pending requests it is made of.
 *
 * <p><b>Design note.</b> Each responder is asked with a request of its own (its own id, the same correlation id), on
 * the way a single request takes ({@link Requests#startTo}); so each one awaits by id, times out at the common deadline
 * and releases itself as any request does, and a gathering keeps no state in the bus at all: once its requests have
 * ended, nothing refers to it but the requester. Each request's outcome comes here ({@link #settle}); the gathering
 * completes when all have ended (at the deadline at the latest), or earlier when enough replies came
 * ({@link Gather#first(int)}, {@link Gather#until}). Completing cancels the requests still open, so a reply that comes
 * afterwards finds its request done and is reported as late ({@code DroppedMessage} {@code LATE_REPLY}), never handed
 * over; a reply that wins that race by a hair is reported as late here.
 *
 * <p><b>Fan-out responders</b> ({@link org.busline.FanOutResponder}, a bridge's) stand for responders elsewhere:
 * their request stays open until they say they are done or the deadline, and each answer they hand over under a
 * name ({@link #answer}) counts as that responder's, once. Their own request completing only ends their part.
 *
 * <p><b>Threads.</b> Outcomes come from any thread (the requester's for synchronous responders, mailboxes' and the
 * timer's otherwise); the lists are guarded by {@code this}. The gathering completes outside the lock.
 */
final class Gathering<R> extends CompletableFuture<Gathered<R>> {
    private static final byte OPEN = 0;
    private static final byte REPLIED = 1;
    private static final byte FAILED = 2;
    private static final byte UNANSWERED = 3;

    private final Requests requests;
    private final Gather<? super R> options;
    private final String[] responders;
    private final PendingRequest<?>[] pending;
    /** Guarded by {@code this}: each responder's outcome so far, {@link #OPEN} to {@link #UNANSWERED}. */
    private final byte[] outcomes;
    private final List<Gathered.Reply<R>> replies = new ArrayList<>();
    private final List<Gathered.Failure> failures = new ArrayList<>();
    /** Guarded by {@code this}: what each fan-out responder heard and expects; null for the other responders. */
    private final FanOut[] fanOuts;
    private int open;
    private boolean finished;

    /** The remote responders one fan-out responder answered for, and those it said to expect. */
    private static final class FanOut {
        final Set<String> answered = new HashSet<>();
        final Set<String> expected = new LinkedHashSet<>();
    }

    Gathering(Requests requests, Gather<? super R> options, String[] responders, boolean[] fansOut) {
        this.requests = requests;
        this.options = options;
        this.responders = responders;
        this.pending = new PendingRequest<?>[responders.length];
        this.outcomes = new byte[responders.length];
        this.fanOuts = new FanOut[responders.length];
        for (int i = 0; i < responders.length; i++) {
            fanOuts[i] = fansOut[i] ? new FanOut() : null;
        }
        this.open = responders.length;
    }

    /** True once the gathering has what it needs: the remaining responders need not be asked. */
    synchronized boolean isFinished() {
        return finished;
    }

    /** Follows the request to responder {@code index}; its outcome may already be there. */
    void follow(int index, PendingRequest<R> request) {
        synchronized (this) {
            pending[index] = request;
        }
        request.whenComplete((value, failure) -> settle(index, request, value, failure));
        if (isFinished() && !request.isDone()) {
            request.cancel(false);
        }
    }

    /** Finishes with nothing, for a topic without responders. */
    void finishNow() {
        finish();
    }

    private void settle(int index, PendingRequest<R> request, R value, Throwable failure) {
        boolean complete;
        synchronized (this) {
            if (finished || outcomes[index] != OPEN) {
                if (failure == null && fanOuts[index] == null) {
                    requests.late(request, value);
                }
                return;
            }
            open--;
            if (fanOuts[index] != null) {
                // A fan-out's own request ends its part: done (null), the deadline, or a failure of its own.
                if (failure == null || isUnanswered(failure)) {
                    outcomes[index] = UNANSWERED;
                } else {
                    outcomes[index] = FAILED;
                    failures.add(new Gathered.Failure(responders[index], causeOf(failure)));
                }
            } else if (failure == null) {
                outcomes[index] = REPLIED;
                replies.add(new Gathered.Reply<>(responders[index], value));
            } else if (isUnanswered(failure)) {
                outcomes[index] = UNANSWERED;
            } else {
                outcomes[index] = FAILED;
                failures.add(new Gathered.Failure(responders[index], causeOf(failure)));
            }
            complete = open == 0 || replies.size() >= options.first()
                    || failure == null && fanOuts[index] == null && matches(value);
        }
        if (complete) {
            finish();
        }
    }

    /** A fan-out responder expects the named responder to answer; unanswered if it has not by the end. */
    synchronized void expect(int index, String responder) {
        if (!finished && outcomes[index] == OPEN) {
            fanOuts[index].expected.add(responder);
        }
    }

    /**
     * The answer of a responder a fan-out responder stands for: a reply ({@code failure} null) or a failure. Late,
     * and never handed over, once the gathering or the fan-out's part ended, past the deadline, or for a name that
     * answered already.
     *
     * @return true if the gathering took it, false if it was late
     */
    boolean answer(int index, PendingRequest<R> request, String responder, Object value, Throwable failure) {
        boolean complete = false;
        boolean late = false;
        synchronized (this) {
            if (finished || outcomes[index] != OPEN || request.remainingNanos() <= 0L
                    || !fanOuts[index].answered.add(responder)) {
                late = true;
            } else {
                String bad = failure == null ? request.badReply(responder, value) : null;
                if (failure != null || bad != null) {
                    failures.add(new Gathered.Failure(responder, failure != null ? failure
                            : request.failure(RequestException.Reason.BAD_REPLY, bad, null)));
                } else {
                    @SuppressWarnings("unchecked")
                    R reply = (R) value;
                    replies.add(new Gathered.Reply<>(responder, reply));
                    complete = matches(reply);
                }
                complete |= replies.size() >= options.first();
            }
        }
        if (late && failure == null) {
            requests.late(request, responder, value);
        }
        if (complete) {
            finish();
        }
        return !late;
    }

    private boolean matches(R value) {
        @SuppressWarnings("unchecked")
        Predicate<Object> until = (Predicate<Object>) options.until();
        if (until == null) {
            return false;
        }
        try {
            return until.test(value);
        } catch (RuntimeException thrown) {
            return false;
        }
    }

    private static boolean isUnanswered(Throwable failure) {
        return failure instanceof CancellationException || failure instanceof RequestException
                && ((RequestException) failure).reason() == RequestException.Reason.TIMEOUT;
    }

    /** What a responder's failure is reported as: what its handler threw, else the request's failure. */
    private static Throwable causeOf(Throwable failure) {
        if (failure instanceof RequestException
                && ((RequestException) failure).reason() == RequestException.Reason.RESPONDER_FAILED
                && failure.getCause() != null) {
            return failure.getCause();
        }
        return failure;
    }

    private void finish() {
        Gathered<R> result;
        List<PendingRequest<?>> stillOpen = new ArrayList<>();
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            List<String> unanswered = new ArrayList<>();
            for (int i = 0; i < responders.length; i++) {
                FanOut fanOut = fanOuts[i];
                if (fanOut != null) {
                    for (String expected : fanOut.expected) {
                        if (!fanOut.answered.contains(expected)) {
                            unanswered.add(expected);
                        }
                    }
                    if (outcomes[i] != FAILED && fanOut.answered.isEmpty() && fanOut.expected.isEmpty()) {
                        unanswered.add(responders[i]);
                    }
                } else if (outcomes[i] == OPEN || outcomes[i] == UNANSWERED) {
                    unanswered.add(responders[i]);
                }
                if (outcomes[i] == OPEN && pending[i] != null) {
                    stillOpen.add(pending[i]);
                }
            }
            result = new Gathered<>(replies, failures, unanswered);
        }
        for (PendingRequest<?> request : stillOpen) {
            request.cancel(false);
        }
        super.complete(result);
    }

    /** The requester gave up: the open requests are cancelled, their late replies reported. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            cancelOpen();
        }
        return cancelled;
    }

    private void cancelOpen() {
        List<PendingRequest<?>> stillOpen = new ArrayList<>();
        synchronized (this) {
            finished = true;
            for (PendingRequest<?> request : pending) {
                if (request != null && !request.isDone()) {
                    stillOpen.add(request);
                }
            }
        }
        for (PendingRequest<?> request : stillOpen) {
            request.cancel(false);
        }
    }
}
