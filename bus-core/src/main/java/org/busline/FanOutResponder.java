package org.busline;

/**
 * Answers the requests of one topic on behalf of responders elsewhere, several of which may answer one request: the
 * responders of other services behind a bridge. Registered with {@link MessageBus#respondFanOut}; integrations such
 * as bus-kafka's request routes implement it, applications normally implement {@link Responder}.
 *
 * <p>It is called as an {@link AsyncResponder} is (same threads, same correlation of what it publishes;
 * {@link MessageBus#currentEnvelope()} is the request's envelope), and hands each remote answer to its
 * {@link Replies} as it comes, from any thread:
 *
 * <ul>
 *   <li>for {@link MessageBus#request request}, the first reply or failure answers the request; whatever comes after
 *       it is a late reply ({@link DroppedMessage.Reason#LATE_REPLY});</li>
 *   <li>for {@link MessageBus#requestAll requestAll}, every responder it names is one more responder of the
 *       gathering: its reply or failure is gathered under its name, once, until the gathering completes (a second
 *       answer under one name, and any answer after completion, is a late reply). Responders it
 *       {@linkplain Replies#expect expects} and that gave nothing by then are listed as unanswered; if it named
 *       nobody at all, its own subscription's name is.</li>
 * </ul>
 *
 * @param <Q> the type of requests
 * @param <R> the type of replies
 */
@FunctionalInterface
public interface FanOutResponder<Q, R> {
    /**
     * Starts answering one request; returns at once, the answers come through {@code replies}.
     *
     * @param request the request, never null
     * @param replies where the answers go; thread-safe
     * @throws Exception to fail the request at once, as for {@link Responder#onRequest}
     */
    void onRequest(Q request, Replies<R> replies) throws Exception;

    /**
     * Where the answers to one request go. Thread-safe; every method returns at once, and none throws once the
     * request stopped waiting (what comes then is reported as late).
     *
     * @param <R> the type of replies
     */
    interface Replies<R> {
        /**
         * Tells whether many answers are wanted.
         *
         * @return true inside {@link MessageBus#requestAll}, false for a single {@link MessageBus#request}
         */
        boolean gathers();

        /**
         * Names a responder expected to answer a scatter-gather: listed as unanswered if it gave nothing by the time
         * the gathering completes. Does nothing for a single request or a name already named.
         *
         * @param responder its name; not null
         */
        void expect(String responder);

        /**
         * Hands over one responder's reply.
         *
         * @param responder its name; not null
         * @param reply     the reply; null only for a reply type of {@link Void}. One of another type fails with
         *                  {@link RequestException.Reason#BAD_REPLY} for that responder
         */
        void reply(String responder, R reply);

        /**
         * Hands over one responder's failure: for a single request, it fails with
         * {@link RequestException.Reason#RESPONDER_FAILED} caused by {@code cause}; in a gathering, it is that
         * responder's {@link Gathered.Failure}.
         *
         * @param responder its name; not null
         * @param cause     what went wrong; not null
         */
        void fail(String responder, Throwable cause);

        /**
         * Says that no more answers will come: a gathering stops waiting for this fan-out (the responders expected
         * and not heard are unanswered) and may complete before its deadline; a single request that got no answer
         * fails with {@link RequestException.Reason#BAD_REPLY}.
         */
        void done();

        /**
         * Runs {@code action} once nobody waits for an answer any more: the request was answered, failed, timed out
         * or was cancelled; the gathering completed; {@link #done()} was called; or the bus closed. It runs before the
         * requester's future completes, so the requester sees its effect. Runs at once, on this thread, if that
         * already happened; otherwise on the thread that ended it. An action that throws is logged and ignored.
         *
         * @param action what to run, such as forgetting the request; not null
         */
        void whenFinished(Runnable action);
    }
}
