package org.busline.outbox.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.outbox.internal.OutboxConfig.SinkSpec;
import org.busline.spi.SerializationException;
import org.busline.spi.Serializer;
import org.busline.spi.TypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing room: serializes an envelope once and inserts one row per receiving sink, on the caller's connection
 * and in the caller's transaction. Stateless apart from its configuration; called on the application's threads.
 */
final class Writer {
    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
    /** The header whose value fills Debezium's {@code tracingspancontext} column, a W3C trace context. */
    static final String TRACE_HEADER = "traceparent";

    private final Database database;
    private final Routes routes;
    private final Serializer serializer;
    private final TypeRegistry types;
    private final Clock clock;
    private final String insert;
    /** The type topics without a logical type name already warned of. */
    private final Set<Topic<?>> unregistered = ConcurrentHashMap.newKeySet();

    Writer(Database database, Routes routes, Serializer serializer, TypeRegistry types, Clock clock) {
        this.database = database;
        this.routes = routes;
        this.serializer = serializer;
        this.types = types;
        this.clock = clock;
        this.insert = "INSERT INTO " + database.tables().outbox() + " (id, sink, aggregatetype, aggregateid, type, "
                + "payload, content_type, headers, tracingspancontext, status, attempts, available_at, lease_token, "
                + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, 0, ?)";
    }

    /** What the smallest {@code headers} column holds (MariaDB's TEXT: 65,535 bytes; URL-encoding is ASCII). */
    static final int MAX_HEADERS = 65_535;

    /** Refuses, before the insert, a value longer than its column, naming it and the topic. */
    private static void fits(String what, String value, int max, Topic<?> topic) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(what + " must have at most " + max + " characters, but had "
                    + value.length() + " for topic '" + (topic.name().length() > 80
                    ? topic.name().substring(0, 80) + "…" : topic.name()) + "'");
        }
    }

    <T> String write(Connection connection, Envelope<T> given, String key) {
        Objects.requireNonNull(connection, "connection");
        Topic<T> topic = given.topic();
        fits("key", key, 255, topic);
        fits("the topic's name", topic.name(), 255, topic);
        fits("header " + TRACE_HEADER, given.header(TRACE_HEADER), 512, topic);
        List<SinkSpec> sinks = routes.of(topic.name());
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("no durable subscription or sink of the outbox receives topic '"
                    + topic.name() + "': the event would be lost; add one with Outbox.Builder.durable(...) or "
                    + "sink(...)");
        }
        try {
            if (connection.getAutoCommit()) {
                throw new IllegalStateException("outbox.publish needs the caller's transaction, but the connection "
                        + "is in auto-commit mode: call connection.setAutoCommit(false) first, or use "
                        + "outbox.inTransaction(...)");
            }
        } catch (SQLException failure) {
            throw Database.failure("read the connection's auto-commit mode", failure);
        }
        Instant now = clock.instant();
        Envelope<T> envelope = Envelope.restore(given.id(), topic, given.payload(), now, given.correlationId(),
                given.causationId(), given.headers());
        TypeRegistry.Registration<T> registration = registration(topic);
        fits("the logical type name", registration.logicalType(), 255, topic);
        byte[] payload = encode(envelope, registration);
        String headers = Headers.encode(envelope.headers());
        fits("the encoded headers", headers, MAX_HEADERS, topic);
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            for (SinkSpec sink : sinks) {
                statement.setString(1, envelope.id());
                statement.setString(2, sink.name());
                statement.setString(3, topic.name());
                statement.setString(4, key);
                statement.setString(5, registration.logicalType());
                statement.setBytes(6, payload);
                statement.setString(7, serializer.contentType());
                statement.setString(8, headers);
                statement.setString(9, envelope.header(TRACE_HEADER));
                database.dialect().setTime(statement, 10, now);
                database.dialect().setTime(statement, 11, now);
                if (sinks.size() == 1) {
                    statement.executeUpdate();
                } else {
                    statement.addBatch();
                }
            }
            if (sinks.size() > 1) {
                statement.executeBatch();
            }
        } catch (SQLException failure) {
            throw Database.failure("insert event " + envelope.id() + " of topic '" + topic.name() + "' into "
                    + database.tables().outbox(), failure);
        }
        return envelope.id();
    }

    private <T> TypeRegistry.Registration<T> registration(Topic<T> topic) {
        try {
            TypeRegistry.Registration<T> registration = types.forTopic(topic);
            if (registration.namedAfterClass() && unregistered.add(topic)) {
                LOG.warn("the outbox writes the type topic of {} without a registration: its type column and the "
                        + "serialized type are the class name '{}'. Register a logical type name "
                        + "(Outbox.Builder.types(TypeRegistry.builder().register(topic, \"orders.order-placed\", "
                        + "1).build()))", topic.type(), topic.name());
            }
            return registration;
        } catch (IllegalArgumentException mismatch) {
            throw new IllegalArgumentException("the outbox cannot publish on " + topic + ": " + mismatch.getMessage(),
                    mismatch);
        }
    }

    private <T> byte[] encode(Envelope<T> envelope, TypeRegistry.Registration<T> registration) {
        try {
            return serializer.encode(envelope);
        } catch (SerializationException failure) {
            throw failure;
        } catch (RuntimeException failure) {
            throw SerializationException.encoding(envelope.topic().name(), registration.logicalType(),
                    registration.version(), "the serializer failed: " + failure, failure);
        }
    }

    static Map<String, String> headersOf(String column) {
        return Headers.decode(column);
    }
}
