package org.busline.outbox;

import java.sql.Connection;

/**
 * A unit of work that {@link Outbox#inTransaction(TransactionalWork)} runs in one JDBC transaction.
 *
 * @param <R> the type of its result
 */
@FunctionalInterface
public interface TransactionalWork<R> {
    /**
     * Does the work on the transaction's connection, which the outbox commits, or rolls back if this throws.
     *
     * @param connection the transaction's connection, auto-commit off; do not commit, roll back or close it
     * @return the result, or null
     * @throws Exception to roll the transaction back
     */
    R run(Connection connection) throws Exception;
}
