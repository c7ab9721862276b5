package org.busline.outbox;

import java.sql.Connection;

/**
 * Binds the outbox to a transaction manager it does not know (Spring, jOOQ, Jakarta), so that
 * {@link Outbox#publish(org.busline.Topic, Object)} writes into the caller's current transaction and the relay is
 * woken after its commit. Set it with {@link Outbox.Builder#transactions(TransactionBinding)}.
 *
 * <p>With Spring's {@code DataSourceTransactionManager} (or JPA's, sharing the DataSource):
 * <pre>{@code
 * .transactions(new TransactionBinding() {
 *     public Connection currentConnection() {
 *         if (!TransactionSynchronizationManager.isActualTransactionActive()) {
 *             throw new IllegalStateException("outbox.publish must run inside a transaction");
 *         }
 *         return DataSourceUtils.getConnection(dataSource);
 *     }
 *     public void afterCommit(Runnable action) {
 *         TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
 *             public void afterCommit() { action.run(); }
 *         });
 *     }
 * })
 * }</pre>
 * With jOOQ, {@code currentConnection()} returns the connection of the {@code DSLContext} of the running
 * {@code transaction(...)} (kept in a ThreadLocal by the caller), and {@code afterCommit} may do nothing: the relay's
 * polling then picks the event up within the poll interval.
 *
 * <p>Both methods are called on the publishing thread, inside the caller's transaction.
 */
public interface TransactionBinding {
    /**
     * Returns the connection of the transaction the calling thread runs in. The outbox neither commits nor closes it.
     *
     * @return the connection, with auto-commit off; not null
     * @throws IllegalStateException if the calling thread runs no transaction
     */
    Connection currentConnection();

    /**
     * Runs an action once the current transaction committed, and never if it rolls back. The outbox passes an action
     * that wakes its relay; it does not throw.
     *
     * @param action the action; not null
     */
    void afterCommit(Runnable action);
}
