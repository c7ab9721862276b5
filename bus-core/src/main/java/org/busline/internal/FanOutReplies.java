package org.busline.internal;

import java.util.Objects;
import org.busline.FanOutResponder;
import org.busline.RequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link FanOutResponder} hands the answers to one request: to its {@link PendingRequest} for a single
 * request (the first answer wins, later ones are late), or to the {@link Gathering} the request is one of, where each
 * named answer counts as one responder's.
 *
 * <p><b>Threads.</b> Thread-safe: it only forwards to the request and the gathering, which are.
 */
final class FanOutReplies<R> implements FanOutResponder.Replies<R> {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutReplies.class);

    private final Requests requests;
    private final PendingRequest<R> pending;
    /** Null for a single request. */
    private final Gathering<R> gathering;

    private FanOutReplies(Requests requests, PendingRequest<R> pending) {
        this.requests = requests;
        this.pending = pending;
        this.gathering = pending.gathering;
    }

    @SuppressWarnings("unchecked")
    static FanOutReplies<Object> of(Requests requests, PendingRequest<?> pending) {
        return new FanOutReplies<>(requests, (PendingRequest<Object>) pending);
    }

    @Override
    public boolean gathers() {
        return gathering != null;
    }

    @Override
    public void expect(String responder) {
        Objects.requireNonNull(responder, "responder");
        if (gathering != null) {
            gathering.expect(pending.slot, responder);
        }
    }

    @Override
    public void reply(String responder, R reply) {
        Objects.requireNonNull(responder, "responder");
        if (gathering != null) {
            gathering.answer(pending.slot, pending, responder, reply, null);
        } else {
            pending.reply(responder, reply);
        }
    }

    @Override
    public void fail(String responder, Throwable cause) {
        Objects.requireNonNull(responder, "responder");
        Objects.requireNonNull(cause, "cause");
        boolean received = gathering != null ? gathering.answer(pending.slot, pending, responder, null, cause)
                : pending.responderFailed(cause);
        requests.reportFailure(pending, responder, cause, received);
    }

    @Override
    public void done() {
        if (gathering != null) {
            pending.complete(null);
        } else {
            pending.fail(RequestException.Reason.BAD_REPLY, "fan-out responder '" + pending.responder
                    + "' ended without an answer", null);
        }
    }

    @Override
    public void whenFinished(Runnable action) {
        Objects.requireNonNull(action, "action");
        pending.whenEnded(() -> {
            try {
                action.run();
            } catch (RuntimeException thrown) {
                LOG.error("Bus '{}': an action of fan-out responder '{}' for the end of request {} failed",
                        requests.busName(), pending.responder, pending.envelope.id(), thrown);
            }
        });
    }
}
