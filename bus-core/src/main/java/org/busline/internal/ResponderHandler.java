package org.busline.internal;

import org.busline.AsyncResponder;
import org.busline.Envelope;
import org.busline.EnvelopeHandler;
import org.busline.FanOutResponder;
import org.busline.Responder;

/**
 * The handler of a responder's subscription: finds the request's {@link PendingRequest}, runs the responder and
 * hands its reply over. Runs wherever the responder's delivery runs it; stateless, so thread-safe.
 *
 * <p>A responder's failure is thrown on, as any handler's: the bus reports it to the error handler and the
 * interceptors, retries it if the responder's policy says so, and fails the request only when it gives up (the
 * synchronous path in {@code deliverRequest}, the asynchronous one through {@link Requests#gaveUp}).
 */
final class ResponderHandler implements EnvelopeHandler<Object> {
    private final Requests requests;
    /** Exactly one of the three is set. */
    private final Responder<Object, ?> responder;
    private final AsyncResponder<Object, ?> asyncResponder;
    private final FanOutResponder<Object, Object> fanOut;

    @SuppressWarnings("unchecked")
    ResponderHandler(Requests requests, Responder<?, ?> responder, AsyncResponder<?, ?> asyncResponder) {
        this.requests = requests;
        this.responder = (Responder<Object, ?>) responder;
        this.asyncResponder = (AsyncResponder<Object, ?>) asyncResponder;
        this.fanOut = null;
    }

    @SuppressWarnings("unchecked")
    ResponderHandler(Requests requests, FanOutResponder<?, ?> fanOut) {
        this.requests = requests;
        this.responder = null;
        this.asyncResponder = null;
        this.fanOut = (FanOutResponder<Object, Object>) fanOut;
    }

    /** True if it answers for several responders elsewhere, each of which a gathering counts as one. */
    boolean fansOut() {
        return fanOut != null;
    }

    @Override
    public void onMessage(Envelope<Object> envelope) throws Exception {
        PendingRequest<?> pending = requests.pendingFor(envelope);
        if (pending == null || !pending.begin()) {
            requests.skipped(envelope);
            return;
        }
        if (responder != null) {
            pending.reply(responder.onRequest(envelope.payload()));
        } else if (asyncResponder != null) {
            pending.replyLater(asyncResponder.onRequest(envelope.payload()));
        } else {
            fanOut.onRequest(envelope.payload(), FanOutReplies.of(requests, pending));
            pending.await();
        }
    }

    @Override
    public String toString() {
        return "responder " + (responder != null ? responder : asyncResponder != null ? asyncResponder : fanOut);
    }
}
