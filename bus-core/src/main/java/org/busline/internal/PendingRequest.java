package org.busline.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.busline.Envelope;
import org.busline.RequestException;
import org.busline.spi.Scheduler;

/**
 * One request waiting for its reply; it is itself the future the requester holds.
 *
 * <p><b>Life.</b> Made by the requesting thread. A request to a synchronous responder never leaves that thread: it
 * enters no map, and only the deadline of the responder's run is timed (cancelled when the responder returns).
 * Otherwise it <em>awaits</em> ({@link #await()}): it is put in {@link Requests#awaiting} under its id, where an
 * asynchronous responder's handler finds it, and a timer of the scheduler fails it at the deadline. The first
 * completion wins: reply, failure, deadline, close, or the requester's own {@code cancel}/{@code complete}. Every
 * completion goes through the three methods overridden here, and the one that succeeds {@linkplain #release() releases}
 * the request: it leaves the map and its timer is cancelled, so nothing of the bus retains a finished request. A reply
 * to a finished request is {@linkplain Requests#late late}.
 *
 * <p><b>End actions</b> ({@link #whenEnded}, a fan-out responder's) run once, when the first completion wins and
 * before the future is completed, so whoever waits for the request (or the gathering it is one of) sees their effect.
 * The winner is decided by {@link #claimEnd()} under this object's monitor, taken once per request.
 *
 * <p><b>Races.</b> {@link #await()} first publishes the request (flag, map, timer) and then checks {@link #isDone()};
 * a completer first completes and then reads the flag and the timer. Each writes before it reads, so at least one of
 * them cleans up; cleaning up twice is harmless.
 */
final class PendingRequest<T> extends CompletableFuture<T> {
    private final Requests requests;
    /** The request as handed to the responder; its handler finds this object by identity or by id. */
    final Envelope<?> envelope;
    private final Class<?> replyType;
    /** True to complete with the reply's envelope rather than the reply. */
    private final boolean envelopes;
    private final Duration timeout;
    /** On the scheduler's clock. */
    private final long deadline;
    /** The name of the responder it was handed to; written before it is handed over. */
    volatile String responder;
    /** Set by the responder's handler when it starts on this request. */
    volatile boolean started;
    /**
     * True while a synchronous responder runs this request on the requester's thread: a reply it returns is delivered
     * even past the deadline, since the requester waited for it (the deadline interrupted it, and it answered anyway).
     */
    volatile boolean onRequestersThread;
    /** The scatter-gather this request is one of, and its place there; null for a single request. */
    Gathering<T> gathering;
    int slot;
    private volatile boolean awaiting;
    /** Guarded by {@code this}: true once a completion won; the actions to run then, or null. */
    private boolean ended;
    private List<Runnable> endActions;
    private volatile Scheduler.Cancellable timer;

    PendingRequest(Requests requests, Envelope<?> envelope, Class<?> replyType, boolean envelopes, Duration timeout,
                   long deadline) {
        this.requests = requests;
        this.envelope = envelope;
        this.replyType = replyType;
        this.envelopes = envelopes;
        this.timeout = timeout;
        this.deadline = deadline;
    }

    /** Called by the responder's handler before it runs the responder: false if nobody waits any more. */
    boolean begin() {
        if (isDone()) {
            return false;
        }
        started = true;
        return true;
    }

    /** Makes this request findable by id and starts its deadline timer. Idempotent; called by one thread at a time. */
    void await() {
        if (awaiting) {
            return;
        }
        awaiting = true;
        requests.awaiting.put(envelope.id(), this);
        if (isDone()) {
            requests.awaiting.remove(envelope.id(), this);
            return;
        }
        if (requests.isClosed()) {
            fail(RequestException.Reason.BUS_CLOSED, "the bus closed", null);
            return;
        }
        Scheduler scheduler = requests.scheduler();
        long remaining = deadline - scheduler.nanoTime();
        if (remaining <= 0L) {
            timedOut();
            return;
        }
        Scheduler.Cancellable scheduled = scheduler.schedule(Duration.ofNanos(remaining), this::onDeadline);
        timer = scheduled;
        if (isDone()) {
            scheduled.cancel();
        }
    }

    /** The responder's reply, from the thread that produced it. */
    void reply(Object value) {
        reply(responder, value);
    }

    /** The reply of the named responder (a fan-out's remote one), from the thread that produced it. */
    void reply(String from, Object value) {
        if (isDone()) {
            requests.late(this, from, value);
            return;
        }
        if (!onRequestersThread && requests.scheduler().nanoTime() - deadline >= 0L) {
            timedOut();
            requests.late(this, from, value);
            return;
        }
        String bad = badReply(from, value);
        if (bad != null) {
            fail(RequestException.Reason.BAD_REPLY, bad, null);
            return;
        }
        @SuppressWarnings("unchecked")
        T result = (T) (envelopes ? requests.replyEnvelope(envelope, replyType, value) : value);
        if (!complete(result)) {
            requests.late(this, from, value);
        }
    }

    /** Why a reply is not one the requester can take, or null if it is. */
    String badReply(String from, Object value) {
        if (value == null ? replyType != Void.class : !replyType.isInstance(value)) {
            return "responder '" + from + "' replied " + (value == null ? "null" : "a " + value.getClass().getName())
                    + ", but the requester expects " + replyType.getName();
        }
        return null;
    }

    /** The stage of an asynchronous responder's reply, from the thread that ran the responder. */
    void replyLater(CompletionStage<?> stage) {
        if (stage == null) {
            fail(RequestException.Reason.BAD_REPLY, "responder '" + responder
                    + "' returned null instead of a CompletionStage", null);
            return;
        }
        stage.whenComplete((value, failure) -> {
            if (failure == null) {
                reply(value);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                requests.reportFailure(this, responder, cause, responderFailed(cause));
            }
        });
        if (!isDone()) {
            await();
        }
    }

    /** The time left until the deadline, in nanoseconds of the scheduler's clock; zero or less once it passed. */
    long remainingNanos() {
        return deadline - requests.scheduler().nanoTime();
    }

    /** Fails the request at its deadline while a synchronous responder still ran it; the responder was interrupted. */
    void timedOutWhileRunning() {
        if (!isDone()) {
            fail(RequestException.Reason.TIMEOUT, "synchronous responder '" + responder + "' had not answered by the "
                    + "deadline (" + timeout + "); it runs on the requester's thread, which was interrupted then",
                    null);
        }
    }

    /**
     * The responder threw, or its stage failed: fails the request with that failure; false if it had ended already
     * (the requester gave up), when nothing changes.
     */
    boolean responderFailed(Throwable failure) {
        return fail(RequestException.Reason.RESPONDER_FAILED, "responder '" + responder + "' failed: " + failure,
                failure);
    }

    /** Fails the request; false if it had ended already. */
    boolean fail(RequestException.Reason reason, String what, Throwable cause) {
        return !isDone() && completeExceptionally(failure(reason, what, cause));
    }

    /** The failure of this request, saying {@code what} went wrong. */
    RequestException failure(RequestException.Reason reason, String what, Throwable cause) {
        return new RequestException(reason, envelope.topic().name(), "Bus '" + requests.busName() + "': request "
                + envelope.id() + " on topic '" + envelope.topic().name() + "' failed: " + what, cause);
    }

    /** Runs on the scheduler's timer thread, which must not run the future's dependents. */
    private void onDeadline() {
        if (!isDone()) {
            requests.completeElsewhere(this::timedOut);
        }
    }

    private void timedOut() {
        if (isDone()) {
            return;
        }
        long late = requests.scheduler().nanoTime() - deadline;
        Instant deadlineAt = requests.now().minusNanos(Math.max(0L, late));
        String topic = envelope.topic().name();
        completeExceptionally(new RequestException(RequestException.Reason.TIMEOUT, topic, "Bus '"
                + requests.busName() + "': request " + envelope.id() + " on topic '" + topic + "' got no reply from "
                + "responder '" + responder + "' within " + timeout + " (deadline " + deadlineAt + ")", null));
    }

    /**
     * Runs {@code action} once the request ended (answered, failed, timed out, cancelled), before anybody waiting for
     * it sees the outcome; at once, on this thread, if it already ended.
     */
    void whenEnded(Runnable action) {
        synchronized (this) {
            if (!ended) {
                if (endActions == null) {
                    endActions = new ArrayList<>(1);
                }
                endActions.add(action);
                return;
            }
        }
        action.run();
    }

    /** True for the one completion that wins, after it ran the end actions. */
    private boolean claimEnd() {
        List<Runnable> actions;
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            actions = endActions;
            endActions = null;
        }
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
        return true;
    }

    @Override
    public boolean complete(T value) {
        if (!claimEnd()) {
            return false;
        }
        boolean completed = super.complete(value);
        release();
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        if (!claimEnd()) {
            return false;
        }
        boolean completed = super.completeExceptionally(failure);
        release();
        return completed;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!claimEnd()) {
            return false;
        }
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        release();
        return cancelled;
    }

    /** Forgets the request: out of the map, timer cancelled. Idempotent. */
    private void release() {
        Scheduler.Cancellable scheduled = timer;
        if (scheduled != null) {
            scheduled.cancel();
        }
        if (awaiting) {
            requests.awaiting.remove(envelope.id(), this);
        }
    }
}
