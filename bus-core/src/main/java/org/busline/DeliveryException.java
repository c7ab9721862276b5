package org.busline;

/**
 * Reports to a publisher that a delivery failed: thrown by {@code publish} for a synchronous subscription made with
 * {@link Delivery#propagateFailures()}, and the failure of {@link PublishResult#completion()}. The first failure is
 * the cause; further ones are suppressed exceptions.
 */
public final class DeliveryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the topic and the subscription
     * @param cause   the handler's failure, or null if the message was dropped rather than failed
     */
    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
