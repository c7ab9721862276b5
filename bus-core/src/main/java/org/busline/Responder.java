package org.busline;

/**
 * Answers requests of one topic with a reply value: registered with {@link MessageBus#respond}, called for the
 * requests of {@link MessageBus#request}.
 *
 * <p>Which thread calls it depends on the responder's {@link Delivery}: by default (synchronous) the requester's own
 * thread, inside {@code request}; with asynchronous delivery its executor, one request at a time unless
 * {@link Delivery#concurrency(int)} allows more. While it runs, messages it publishes carry the request's correlation
 * id and have the request's id as their causation id.
 *
 * @param <Q> the type of requests
 * @param <R> the type of replies
 * @see AsyncResponder
 */
@FunctionalInterface
public interface Responder<Q, R> {
    /**
     * Answers one request.
     *
     * @param request the request, never null
     * @return the reply: not null, and an instance of the reply type the requester asked for; null only when the
     *         requester asked for {@link Void}
     * @throws Exception to fail the request: the requester's future fails with a {@link RequestException} of reason
     *                   {@link RequestException.Reason#RESPONDER_FAILED} whose cause is what was thrown, and the
     *                   failure goes to the bus's error handler as any handler's failure does
     */
    R onRequest(Q request) throws Exception;
}
