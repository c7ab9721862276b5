package org.busline.outbox;

import java.sql.Connection;

/**
 * The table of the messages each consumer already handled, {@code (consumer, message_id)}, for de-duplication in the
 * handler's own transaction: {@code if (inbox.markHandled(connection, "billing", envelope.id())) { ...work... }}
 * in one transaction handles a redelivered message once. Get it with {@link Outbox#inbox()}; durable subscriptions
 * with a {@link TransactionalHandler} use it by themselves.
 *
 * <p>Thread-safe; the table is created with the outbox's schema.
 */
public interface Inbox {
    /**
     * Records that a consumer handled a message, in the caller's transaction, unless it was already recorded.
     *
     * @param connection the caller's connection, in the transaction of the handler's own writes; not null
     * @param consumer   the consumer's stable name; not null
     * @param messageId  the message's id ({@link org.busline.Envelope#id()}); not null
     * @return true if it was not recorded before (handle it now), false for a duplicate (skip it)
     * @throws NullPointerException if an argument is null
     * @throws OutboxException      if the database fails
     */
    boolean markHandled(Connection connection, String consumer, String messageId);

    /**
     * Tells whether a consumer's handling of a message was recorded and committed.
     *
     * @param consumer  the consumer's stable name; not null
     * @param messageId the message's id; not null
     * @return true if recorded
     * @throws OutboxException if the database fails
     */
    boolean isHandled(String consumer, String messageId);
}
