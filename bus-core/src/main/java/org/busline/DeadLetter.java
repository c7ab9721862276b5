package org.busline;

import java.util.Objects;

/**
 * A message that a subscription did not handle and gave up on: its handler failed for the last time, or the
 * subscription rejected it (open circuit breaker, full bulkhead, rate limit), or it was dropped (mailbox overflow, bus closed,
 * executor refused).
 *
 * <p>The bus publishes each dead letter on the type topic of {@code DeadLetter}, so the application can park,
 * inspect or re-publish it: {@code bus.subscribe(DeadLetter.class, letter -> bus.publish(letter.envelope()))}
 * re-publishes the original message with its id, which an {@linkplain Delivery#idempotent(int) idempotent}
 * subscription that already handled it skips. The dead letter's envelope has the original message as its cause
 * (its causation id is the message's id). If nobody subscribes to {@code DeadLetter}, the bus logs it instead: at
 * DEBUG when the error handler or the dropped-message handler already reported it, else at WARN.
 *
 * <p><b>The rule.</b> For each subscription a message reaches, the delivery ends exactly once: handled (the handler
 * returned, possibly after retries, or an idempotent subscription skipped it as a duplicate) or dead-lettered, never
 * both and never neither. {@link PublishResult#completion()} settles when every delivery has ended, so after any
 * retries; it fails if any delivery was dead-lettered.
 *
 * <p>How the other reports relate: a dead letter of reason {@link Reason#FAILED} also went to the error handler
 * ({@link MessageBus.Builder#onError}); one of reason {@link Reason#MAILBOX_FULL}, {@link Reason#BUS_CLOSED} or
 * {@link Reason#EXECUTOR_REJECTED} also went to the dropped-message handler ({@link MessageBus.Builder#onDropped}) as
 * a {@link DroppedMessage}. A message that reached no subscription at all is a {@link DeadMessage}, not a dead
 * letter. A dead letter about a dead letter (a failing {@code DeadLetter} subscriber) is only logged, never
 * published, so dead letters cannot loop.
 *
 * @param envelope   the message as it was published (without the attempt header the retries add); not null
 * @param subscriber the name of the subscription that gave up on it; not null
 * @param cause      the failure of its last attempt; for a message never attempted, null, except for reason
 *                   {@link Reason#EXECUTOR_REJECTED}, where it is what the executor's {@code execute} threw
 *                   (a {@link java.util.concurrent.RejectedExecutionException}, or another exception or error)
 * @param attempts   how many times its handler was called, zero or more; positive only with a {@code cause}
 * @param reason     why the subscription gave up; not null
 */
public record DeadLetter(Envelope<?> envelope, String subscriber, Throwable cause, int attempts, Reason reason) {

    /** Why a subscription gave up on a message. */
    public enum Reason {
        /** The handler failed on its last attempt: no retry policy, a failure not retryable, or retries exhausted. */
        FAILED,
        /** The subscription's circuit breaker was open (or half-open with its trial call running). */
        CIRCUIT_OPEN,
        /** A synchronous subscription already ran its {@linkplain Delivery#concurrency(int) most calls at once}. */
        BULKHEAD_FULL,
        /** The mailbox was full and its policy dropped the message ({@link DroppedMessage.Reason#MAILBOX_FULL}). */
        MAILBOX_FULL,
        /** The bus closed before the message was handled ({@link DroppedMessage.Reason#BUS_CLOSED}). */
        BUS_CLOSED,
        /** The subscription's executor refused to run it ({@link DroppedMessage.Reason#EXECUTOR_REJECTED}). */
        EXECUTOR_REJECTED,
        /** The subscription's {@linkplain Delivery#rateLimit(RateLimit) rate limit} had no token for a synchronous call. */
        RATE_LIMITED
    }

    /**
     * Checks the components.
     *
     * @param envelope   the message; not null
     * @param subscriber the subscription's name; not null
     * @param cause      the last failure; for a message never attempted, null or, for {@code EXECUTOR_REJECTED}, the
     *                   executor's refusal
     * @param attempts   zero or more; positive only with a cause
     * @param reason     why; not null
     * @throws IllegalArgumentException if {@code attempts} is negative, or positive without a cause, or zero with a
     *                                  cause and a reason other than {@code EXECUTOR_REJECTED}
     */
    public DeadLetter {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(reason, "reason");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative, but was " + attempts);
        }
        if (attempts > 0 && cause == null) {
            throw new IllegalArgumentException("cause must not be null when attempts is " + attempts);
        }
        if (attempts == 0 && cause != null && reason != Reason.EXECUTOR_REJECTED) {
            throw new IllegalArgumentException("cause must be null for a message never attempted, unless the reason "
                    + "is EXECUTOR_REJECTED, but the reason was " + reason + " and the cause " + cause);
        }
    }

    /**
     * Tells whether this dead letter is about a message of a topic: the same named topic, or for a type topic a
     * message of that type or of a subtype (as a subscription of the type topic receives them).
     *
     * @param topic the topic; not null
     * @return true if the message was published on that topic
     */
    public boolean isAbout(Topic<?> topic) {
        Topic<?> actual = envelope.topic();
        if (topic.isNamed() || actual.isNamed()) {
            return topic.equals(actual);
        }
        return topic.type().type() instanceof Class
                ? topic.type().rawType().isAssignableFrom(actual.type().rawType())
                : topic.type().equals(actual.type());
    }

    /**
     * Returns the message typed as a topic's payload.
     *
     * @param topic the topic the message was published on; not null
     * @param <T>   the topic's payload type
     * @return the envelope, typed
     * @throws IllegalArgumentException if the message is not {@linkplain #isAbout(Topic) about} that topic
     */
    @SuppressWarnings("unchecked")
    public <T> Envelope<T> envelope(Topic<T> topic) {
        if (!isAbout(Objects.requireNonNull(topic, "topic"))) {
            throw new IllegalArgumentException("the dead letter of subscription '" + subscriber + "' is about topic '"
                    + envelope.topic().name() + "', not about topic '" + topic.name() + "'");
        }
        return (Envelope<T>) envelope;
    }
}
