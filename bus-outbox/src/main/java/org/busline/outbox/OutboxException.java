package org.busline.outbox;

import java.sql.SQLException;

/**
 * A database failure of the outbox (the statement that failed is named in the message), or a failure of the work of
 * {@link Outbox#inTransaction(TransactionalWork)} that was a checked exception. The cause is the original failure.
 */
public class OutboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes an exception.
     *
     * @param message what failed; not null
     * @param cause   the original failure, often a {@link SQLException}
     */
    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
