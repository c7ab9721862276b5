package org.busline;

import java.util.concurrent.CompletionStage;

/**
 * Answers requests of one topic with a reply that comes later, as a {@link CompletionStage}: registered with
 * {@link MessageBus#respondAsync}. Use it when the answer needs I/O or another request, so no thread waits for it.
 *
 * <p>It is called as a {@link Responder} is (same threads, same correlation of what it publishes). The request is
 * answered when the stage completes, on the thread that completes it; the requester's deadline keeps running
 * meanwhile, and a stage that completes after it is a late reply.
 *
 * @param <Q> the type of requests
 * @param <R> the type of replies
 */
@FunctionalInterface
public interface AsyncResponder<Q, R> {
    /**
     * Starts answering one request.
     *
     * @param request the request, never null
     * @return the stage of the reply, not null. It completes with the reply (as for {@link Responder#onRequest}),
     *         or exceptionally to fail the request with {@link RequestException.Reason#RESPONDER_FAILED}
     * @throws Exception to fail the request at once, as for {@link Responder#onRequest}
     */
    CompletionStage<R> onRequest(Q request) throws Exception;
}
