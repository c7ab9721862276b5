package org.busline.outbox.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.outbox.DeadEvent;
import org.busline.outbox.Inbox;
import org.busline.outbox.Outbox;
import org.busline.outbox.OutboxException;
import org.busline.outbox.OutboxStats;
import org.busline.outbox.TransactionalWork;
import org.busline.spi.TypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade: publishing goes to the {@link Writer}, relaying to the {@link Relay}, the rest are queries of the table.
 */
final class DefaultOutbox implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultOutbox.class);

    private final OutboxConfig config;
    private final Database database;
    private final Writer writer;
    private final Counters counters = new Counters();
    private final Relay relay;
    private volatile boolean closed;

    private DefaultOutbox(OutboxConfig config, Database database, TypeRegistry types) {
        this.config = config;
        this.database = database;
        Routes routes = new Routes(config.sinks());
        this.writer = new Writer(database, routes, config.serializer(), types, config.clock());
        this.relay = config.relay() && !config.sinks().isEmpty() ? new Relay(config, database, counters) : null;
    }

    static Outbox start(OutboxConfig config, TypeRegistry types) {
        Database database = Database.open(config);
        DefaultOutbox outbox = new DefaultOutbox(config, database, types);
        if (outbox.relay != null) {
            outbox.relay.start();
        }
        LOG.info("outbox {} started on {} for {}", config.owner(), database, config.sinks());
        return outbox;
    }

    @Override
    public <T> String publish(Connection connection, Topic<T> topic, T message) {
        return publish(connection, topic, message, null, Map.of());
    }

    @Override
    public <T> String publish(Connection connection, Topic<T> topic, T message, String key) {
        return publish(connection, topic, message, key, Map.of());
    }

    @Override
    public <T> String publish(Connection connection, Topic<T> topic, T message, String key,
                              Map<String, String> headers) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(headers, "headers");
        return publish(connection, Envelope.restore(null, topic, message, null, null, null, headers), key);
    }

    @Override
    public <T> String publish(Connection connection, Envelope<T> envelope, String key) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(envelope, "envelope");
        requireOpen();
        return writer.write(connection, config.bus().stamp(envelope), key);
    }

    @Override
    public <T> String publish(Topic<T> topic, T message, String key) {
        if (config.transactions() == null) {
            throw new IllegalStateException("publish(topic, message) needs a transaction binding: set one with "
                    + "Outbox.Builder.transactions(...), or pass the connection");
        }
        Connection connection = config.transactions().currentConnection();
        if (connection == null) {
            throw new IllegalStateException("the transaction binding " + config.transactions()
                    + " returned no connection");
        }
        String id = publish(connection, topic, message, key, Map.of());
        config.transactions().afterCommit(this::wake);
        return id;
    }

    @Override
    public <T> String publish(Topic<T> topic, T message) {
        return publish(topic, message, null);
    }

    @Override
    public <R> R inTransaction(TransactionalWork<R> work) {
        Objects.requireNonNull(work, "work");
        requireOpen();
        R result;
        try (Connection connection = config.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                result = work.run(connection);
                connection.commit();
            } catch (Exception | Error failure) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    failure.addSuppressed(rollbackFailure);
                }
                if (failure instanceof RuntimeException) {
                    throw (RuntimeException) failure;
                }
                if (failure instanceof Error) {
                    throw (Error) failure;
                }
                throw new OutboxException("the outbox's transaction failed and was rolled back: " + failure, failure);
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException failure) {
            throw Database.failure("run a transaction on " + database, failure);
        }
        wake();
        return result;
    }

    @Override
    public void wake() {
        if (relay != null) {
            relay.wake();
        }
    }

    @Override
    public OutboxStats stats() {
        long pending = 0;
        long inFlight = 0;
        long dead = 0;
        Instant oldest = null;
        String sql = "SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM " + database.tables().outbox()
                + " WHERE completed_at IS NULL GROUP BY status";
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(sql);
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String status = rows.getString("status");
                long count = rows.getLong("n");
                Instant first = database.dialect().getTime(rows, "oldest");
                if (status.equals("PENDING")) {
                    pending = count;
                } else if (status.equals("IN_FLIGHT")) {
                    inFlight = count;
                } else if (status.equals("DEAD")) {
                    dead = count;
                    continue;
                }
                if (first != null && (oldest == null || first.isBefore(oldest))) {
                    oldest = first;
                }
            }
        } catch (SQLException failure) {
            throw Database.failure("count the rows of " + database.tables().outbox(), failure);
        }
        Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest, config.clock().instant());
        return new OutboxStats(pending, inFlight, dead, age.isNegative() ? Duration.ZERO : age,
                counters.delivered.sum(), counters.failedAttempts.sum(), counters.fenced.sum(),
                counters.deadLettered.sum());
    }

    @Override
    public List<DeadEvent> deadEvents(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, but was " + limit);
        }
        String sql = "SELECT id, sink, aggregatetype, aggregateid, type, attempts, last_error_type, "
                + "last_error_message, created_at FROM " + database.tables().outbox()
                + " WHERE status = 'DEAD' ORDER BY seq LIMIT ?";
        List<DeadEvent> dead = new ArrayList<>();
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    dead.add(new DeadEvent(rows.getString("id"), rows.getString("sink"),
                            rows.getString("aggregatetype"), rows.getString("aggregateid"), rows.getString("type"),
                            rows.getInt("attempts"), rows.getString("last_error_type"),
                            rows.getString("last_error_message"), database.dialect().getTime(rows, "created_at")));
                }
            }
        } catch (SQLException failure) {
            throw Database.failure("list the dead rows of " + database.tables().outbox(), failure);
        }
        return dead;
    }

    @Override
    public boolean resubmit(DeadEvent event) {
        Objects.requireNonNull(event, "event");
        String sql = "UPDATE " + database.tables().outbox() + " SET status = 'PENDING', attempts = 0, "
                + "available_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND sink = ? "
                + "AND status = 'DEAD'";
        int updated;
        try (Connection connection = database.connect();
             PreparedStatement update = connection.prepareStatement(sql)) {
            database.dialect().setTime(update, 1, config.clock().instant());
            update.setString(2, event.id());
            update.setString(3, event.sink());
            updated = update.executeUpdate();
        } catch (SQLException failure) {
            throw Database.failure("resubmit event " + event.id() + " for '" + event.sink() + "'", failure);
        }
        if (updated > 0) {
            LOG.info("outbox event {} for '{}' resubmitted", event.id(), event.sink());
            wake();
        }
        return updated > 0;
    }

    @Override
    public Inbox inbox() {
        return database.inbox();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (relay != null) {
            relay.close();
        }
        LOG.info("outbox {} closed", config.owner());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("publish() must not be called after close()");
        }
    }

    @Override
    public String toString() {
        return "Outbox[" + config.owner() + " on " + database + "]";
    }
}
