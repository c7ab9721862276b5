package org.busline;

import java.util.concurrent.CompletableFuture;

/**
 * What a publish did: how many subscriptions the message reached, and a future of its delivery.
 *
 * <p>Thread-safe. For a message whose subscribers are all synchronous, the result is complete when
 * {@code publish} returns and costs no allocation; except for a publish from inside a synchronous handler of the same
 * bus, which is delivered after the current message: its result counts the subscriptions it is handed to, and its
 * completion follows once they have handled it.
 */
public interface PublishResult {
    /**
     * Returns the number of subscriptions the message was delivered to (synchronous) or accepted into the mailbox
     * of (asynchronous). A delivery that an interceptor's {@code beforeDelivery} skipped counts: the message reached
     * that subscription, whose interceptor chose not to run the handler. Zero means it reached nobody and went to the
     * dead-message handler, or an interceptor's {@code onPublish} vetoed it.
     *
     * @return the count, zero or more
     */
    int reached();

    /**
     * Returns a future that completes when every subscription the message reached has finished with it. It
     * completes normally if every handler succeeded, or exceptionally with a {@link DeliveryException} that
     * carries the failures (each also went to the error handler) or names the drop that lost the message.
     *
     * @return a new future each call; completing or cancelling it changes nothing on the bus
     */
    CompletableFuture<Void> completion();
}
