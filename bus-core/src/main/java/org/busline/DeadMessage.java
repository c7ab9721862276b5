package org.busline;

import java.util.Objects;

/**
 * A message that reached no subscriber.
 *
 * <p>The bus hands it to the dead-message handler ({@link MessageBus.Builder#onDeadMessage}, which by default
 * logs it at DEBUG) and publishes it on the type topic of {@code DeadMessage}, so it can be observed with
 * {@code bus.subscribe(DeadMessage.class, …)}. A dead message that itself reaches nobody goes to the handler only.
 *
 * @param envelope the message that nobody received; not null
 */
public record DeadMessage(Envelope<?> envelope) {
    /**
     * Checks the component.
     *
     * @param envelope the message; not null
     */
    public DeadMessage {
        Objects.requireNonNull(envelope, "envelope");
    }
}
