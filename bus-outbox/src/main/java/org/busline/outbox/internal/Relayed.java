package org.busline.outbox.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.busline.Envelope;
import org.busline.EnvelopeHandler;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.outbox.OutboxRecord;
import org.busline.outbox.OutboxSink;
import org.busline.outbox.TransactionalHandler;

/**
 * The last room of a row's way: how one claimed record reaches the subscription or sink it was stored for.
 *
 * <p>Design note: every kind of destination is reduced to one call that returns a stage, so the relay treats a local
 * handler (which completes the stage before returning) and a bridge's asynchronous acknowledgement the same way.
 * Called on a relay worker thread; implementations hold no mutable state.
 */
public interface Relayed {
    /**
     * Delivers one record.
     *
     * @param record   the record
     * @param database the outbox's database, for handlers that write in a transaction
     * @return the stage of the acknowledgement
     * @throws Exception a failed attempt
     */
    CompletionStage<?> deliver(OutboxRecord record, Database database) throws Exception;

    /**
     * Adapts a handler of envelopes.
     *
     * @param topic   the topic, which gives the payload's type
     * @param handler the handler
     * @param <T>     the message type
     * @return the adapter
     */
    static <T> Relayed local(Topic<T> topic, EnvelopeHandler<T> handler) {
        return new Relayed() {
            @Override
            public CompletionStage<?> deliver(OutboxRecord record, Database database) throws Exception {
                Envelope<T> envelope = record.envelope(topic)
                        .withHeader(RetryPolicy.ATTEMPT_HEADER, Integer.toString(record.attempt()));
                handler.onMessage(envelope);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public String toString() {
                return "durable subscription of " + topic;
            }
        };
    }

    /**
     * Adapts a handler that writes in a transaction with the inbox row of its message.
     *
     * @param consumer the inbox's consumer name
     * @param topic    the topic
     * @param handler  the handler
     * @param <T>      the message type
     * @return the adapter
     */
    static <T> Relayed transactional(String consumer, Topic<T> topic, TransactionalHandler<T> handler) {
        return new Relayed() {
            @Override
            public CompletionStage<?> deliver(OutboxRecord record, Database database) throws Exception {
                Envelope<T> envelope = record.envelope(topic)
                        .withHeader(RetryPolicy.ATTEMPT_HEADER, Integer.toString(record.attempt()));
                try (Connection connection = database.dataSource().getConnection()) {
                    connection.setAutoCommit(false);
                    try {
                        if (database.inbox().markHandled(connection, consumer, record.id())) {
                            handler.onMessage(connection, envelope);
                        }
                        connection.commit();
                    } catch (Exception | Error failure) {
                        rollbackQuietly(connection, failure);
                        throw failure;
                    }
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public String toString() {
                return "transactional durable subscription of " + topic;
            }
        };
    }

    /**
     * Adapts the bus: each record is published on it in its original envelope.
     *
     * @param topic the topic
     * @param bus   the bus
     * @return the adapter
     */
    static Relayed toBus(Topic<?> topic, MessageBus bus) {
        return new Relayed() {
            @Override
            public CompletionStage<?> deliver(OutboxRecord record, Database database) {
                publish(bus, record.envelope(topic));
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public String toString() {
                return "relay of " + topic + " to bus " + bus.name();
            }
        };
    }

    /**
     * Adapts a sink.
     *
     * @param sink the sink
     * @return the adapter
     */
    static Relayed sink(OutboxSink sink) {
        return new Relayed() {
            @Override
            public CompletionStage<?> deliver(OutboxRecord record, Database database) throws Exception {
                CompletionStage<?> stage = sink.deliver(record);
                if (stage == null) {
                    throw new IllegalStateException("sink " + sink + " returned null instead of a CompletionStage");
                }
                return stage;
            }

            @Override
            public String toString() {
                return "sink " + sink;
            }
        };
    }

    private static <T> void publish(MessageBus bus, Envelope<T> envelope) {
        bus.publish(envelope);
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
