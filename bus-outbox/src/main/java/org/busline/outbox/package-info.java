/**
 * A transactional outbox for Busline: events written in the application's own JDBC transaction and relayed, after
 * the commit, at least once to durable subscriptions and sinks.
 *
 * <p>The entry point is {@link org.busline.outbox.Outbox#builder(javax.sql.DataSource, org.busline.MessageBus)}.
 * A tour along an event's way:
 * <ul>
 *   <li>{@link org.busline.outbox.Outbox#publish(java.sql.Connection, org.busline.Topic, Object, String,
 *       java.util.Map)} writes it in the caller's transaction, or {@link org.busline.outbox.Outbox#inTransaction}
 *       runs the transaction and wakes the relay; a {@link org.busline.outbox.TransactionBinding} binds a framework's
 *       transactions.</li>
 *   <li>The relay claims it under a lease and delivers it to each durable subscription
 *       ({@link org.busline.outbox.Outbox.Builder#durable}), or to an {@link org.busline.outbox.OutboxSink} as an
 *       {@link org.busline.outbox.OutboxRecord}; a {@link org.busline.outbox.TransactionalHandler} writes in one
 *       transaction with its {@link org.busline.outbox.Inbox} row.</li>
 *   <li>A row that failed its last attempt is a {@link org.busline.outbox.DeadEvent}, listed and resubmitted
 *       through the outbox; {@link org.busline.outbox.OutboxStats} counts what is pending, in flight and dead.</li>
 * </ul>
 * Database failures are {@link org.busline.outbox.OutboxException}s.
 */
package org.busline.outbox;
