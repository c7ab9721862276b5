package org.busline;

import java.util.Objects;

/**
 * A handler's failure with its context, as the bus's error handler ({@link MessageBus.Builder#onError}) receives
 * it. The default error handler logs it at ERROR through SLF4J.
 *
 * @param envelope   the message being handled; not null
 * @param subscriber the name of the failing subscription; not null
 * @param cause      what the handler threw; not null
 */
public record DeliveryFailure(Envelope<?> envelope, String subscriber, Throwable cause) {
    /**
     * Checks the components.
     *
     * @param envelope   the message; not null
     * @param subscriber the subscription's name; not null
     * @param cause      the failure; not null
     */
    public DeliveryFailure {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(cause, "cause");
    }
}
