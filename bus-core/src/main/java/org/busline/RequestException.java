package org.busline;

import java.util.Objects;

/**
 * Why a request of {@link MessageBus#request} got no reply: the failure of its future. The message names the topic,
 * and the {@link #reason()} tells the cases apart.
 */
public final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Reason {
        /** The topic had no responder when the request was made; it failed at once. */
        NO_RESPONDER,
        /** No reply came before the deadline; the message names the timeout and the deadline. */
        TIMEOUT,
        /** The responder threw, or its stage completed exceptionally; the cause is its failure. */
        RESPONDER_FAILED,
        /** The responder replied null, or a value that is not of the reply type the requester asked for. */
        BAD_REPLY,
        /**
         * The request never reached a responder: an interceptor vetoed it, the responder's mailbox was full or
         * dropped it, or its executor refused to run it. The cause, if any, says which.
         */
        REJECTED,
        /** The bus was closed before the request was made, or while it waited for its reply. */
        BUS_CLOSED
    }

    private final Reason reason;
    private final String topic;

    /**
     * Creates the exception.
     *
     * @param reason  why the request failed; not null
     * @param topic   the name of the request's topic; not null
     * @param message what happened, naming the topic; not null
     * @param cause   the responder's failure or the refusal, or null
     */
    public RequestException(Reason reason, String topic, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * Returns why the request failed.
     *
     * @return the reason, never null
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns the name of the request's topic.
     *
     * @return the topic's name, never null
     */
    public String topic() {
        return topic;
    }
}
