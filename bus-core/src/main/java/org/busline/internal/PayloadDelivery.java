package org.busline.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import org.busline.DeliveryException;
import org.busline.PublishResult;

/**
 * A message on the asynchronous allocation-light path: the mailbox entry and the {@link PublishResult} of a publish
 * whose only subscription is a plain asynchronous one ({@link Route.State#lane}). One object of one field, 16 bytes
 * with compressed references: no envelope, no tracker, no queue node. The envelope is made only if somebody asks for
 * it (the handler, through {@code currentEnvelope()}, or a failure's report), with its id and timestamp of that moment.
 *
 * <p><b>States</b> of {@link #state}, each written once, in this order: the payload (waiting, or being handled), a
 * {@link Waiting} holding it once somebody asked for the completion, then {@link #HANDLED} or a {@link Failed}. The
 * consumer ends the delivery with one atomic exchange and completes the future it finds, if any; {@link #completion()}
 * installs a future with a compare-and-set, so one of the two always sees the other.
 */
final class PayloadDelivery implements PublishResult {
    private static final VarHandle STATE;
    private static final Object HANDLED = new Object();

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PayloadDelivery.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The payload, a {@link Waiting}, {@link #HANDLED} or a {@link Failed}; see the class note. */
    @SuppressWarnings("unused")
    private Object state;

    PayloadDelivery(Object payload) {
        this.state = payload;
    }

    /** Pending, with the future somebody asked for. */
    private record Waiting(Object payload, CompletableFuture<Void> future) {
    }

    /** Finished with a failure or a drop; {@code accepted} false if the mailbox never took the message. */
    private record Failed(DeliveryException failure, boolean accepted) {
    }

    /** The message; only while it is pending, so only the mailbox calls this. */
    Object payload() {
        Object current = STATE.getAcquire(this);
        return current instanceof Waiting waiting ? waiting.payload : current;
    }

    /** Ends the delivery as handled. */
    void handled() {
        Object previous = STATE.getAndSet(this, HANDLED);
        if (previous instanceof Waiting waiting) {
            waiting.future.complete(null);
        }
    }

    /** Ends the delivery as failed or dropped; {@code accepted} false if the mailbox refused it (reached 0). */
    void failed(DeliveryException failure, boolean accepted) {
        Object previous = STATE.getAndSet(this, new Failed(failure, accepted));
        if (previous instanceof Waiting waiting) {
            waiting.future.completeExceptionally(failure);
        }
    }

    @Override
    public int reached() {
        return STATE.getAcquire(this) instanceof Failed failed && !failed.accepted ? 0 : 1;
    }

    @Override
    public CompletableFuture<Void> completion() {
        for (;;) {
            Object current = STATE.getAcquire(this);
            if (current == HANDLED) {
                return CompletableFuture.completedFuture(null);
            }
            if (current instanceof Failed failed) {
                return CompletableFuture.failedFuture(failed.failure);
            }
            if (current instanceof Waiting waiting) {
                return waiting.future.thenApply(done -> done);
            }
            Waiting waiting = new Waiting(current, new CompletableFuture<>());
            if (STATE.compareAndSet(this, current, waiting)) {
                return waiting.future.thenApply(done -> done);
            }
        }
    }

    @Override
    public String toString() {
        Object current = STATE.getAcquire(this);
        return "PublishResult[reached=" + reached() + (current == HANDLED ? ", done"
                : current instanceof Failed failed ? ", failed: " + failed.failure : ", pending") + "]";
    }
}
