package org.busline.outbox;

import java.sql.Connection;
import org.busline.Envelope;

/**
 * The handler of a durable subscription that writes to the outbox's database in the same transaction as the record of
 * the message's id in the {@link Inbox}, so that a redelivered message is handled exactly once:
 * {@link Outbox.Builder#durableInTransaction(String, org.busline.Topic, TransactionalHandler)}.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface TransactionalHandler<T> {
    /**
     * Handles a message the inbox has not seen for this subscription. The outbox commits the connection after this
     * returns, with the inbox row; if this throws, everything is rolled back and the attempt failed.
     *
     * @param connection the transaction's connection, auto-commit off; do not commit, roll back or close it
     * @param envelope   the message with its metadata; never null
     * @throws Exception to fail the attempt
     */
    void onMessage(Connection connection, Envelope<T> envelope) throws Exception;
}
