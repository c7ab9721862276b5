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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.busline.outbox.OutboxRecord;
import org.busline.outbox.internal.OutboxConfig.SinkSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's rooms between the table and the destinations: the claim, and the hand-off to a worker that delivers.
 *
 * <p>Design note (concurrency): one poller thread owns one connection and is the only thread that claims. A claim is
 * one short transaction: {@code SELECT ... FOR UPDATE SKIP LOCKED} of due rows of this relay's sinks, oldest first,
 * each the head of its key (no earlier row of its key and sink is pending, in flight or, by default, dead), then an
 * update that sets the lease (owner, expiry), the next fencing token and the attempt count, then commit. Rows locked
 * by another relay's claim are skipped, so relays never wait on each other; a row whose lease ran out is due again,
 * for the other relays, and for this one once its own delivery of the row has ended ({@link #delivering}).
 * Because only heads are claimed, and a head's successor is not a head until the head is done, two rows of one key
 * and sink are never in flight together, whatever the number of relays and threads.
 *
 * <p>Claimed rows go to a fixed pool of worker threads that deliver outside any transaction. The outcome goes to the
 * {@link Completer}, which frees the row's slot ({@code inFlight}) and wakes the poller. The poller sleeps when it found
 * less than a full batch or has no free slot, until woken (after a commit in this JVM, a completion, a back-off's end)
 * or the poll interval.
 */
final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    private static final int CLEANUP_ROUNDS = 10;

    private final OutboxConfig config;
    private final Database database;
    private final Map<String, SinkSpec> sinks;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Completer completer;
    private final Thread poller;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * The rows this relay claimed whose outcome is not written yet. It never claims them again meanwhile, even once
     * their lease ran out (a delivery that outlasts its lease): two attempts of one row at once here would fence
     * each other's completion, and the row would go dead after deliveries that all succeeded. Another relay may.
     */
    private final Set<Long> delivering = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean woken = new AtomicBoolean();
    private final String claim;
    private final String lease;
    private final Duration cleanupInterval;
    private volatile boolean running = true;
    private Connection connection;
    private Instant nextCleanup = Instant.MIN;

    Relay(OutboxConfig config, Database database, Counters counters) {
        this.config = config;
        this.database = database;
        this.sinks = config.sinks().stream().collect(Collectors.toMap(SinkSpec::name, Function.identity()));
        String name = "busline-outbox-" + config.owner();
        this.workers = new ThreadPoolExecutor(config.relayThreads(), config.relayThreads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons(name + "-worker-"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemons(name + "-timer-"));
        ((ScheduledThreadPoolExecutor) timer).setRemoveOnCancelPolicy(true);
        boolean deleteOnCompletion = config.retention().isZero();
        this.completer = new Completer(database, config.retry(), config.clock(), counters, deleteOnCompletion,
                name + "-completer", this::released, this::wakeAfter);
        this.poller = new Thread(this::run, name + "-relay");
        this.poller.setDaemon(true);
        this.claim = claimSql(database, config);
        this.lease = database.dialect() == Dialect.POSTGRESQL
                // One statement for the whole claim; the rows are locked, so each new token is the one read + 1.
                ? "UPDATE " + database.tables().outbox() + " SET status = 'IN_FLIGHT', lease_owner = ?, "
                        + "lease_until = ?, lease_token = lease_token + 1, attempts = attempts + 1 WHERE seq = ANY (?)"
                : "UPDATE " + database.tables().outbox() + " SET status = 'IN_FLIGHT', lease_owner = ?, "
                        + "lease_until = ?, lease_token = ?, attempts = ? WHERE seq = ?";
        this.cleanupInterval = deleteOnCompletion ? Duration.ofMinutes(1)
                : min(Duration.ofMinutes(1), max(config.pollInterval(), config.retention()));
    }

    private static String claimSql(Database database, OutboxConfig config) {
        String table = database.tables().outbox();
        String sinkList = config.sinks().stream().map(sink -> "?").collect(Collectors.joining(", "));
        String blocking = config.skipDeadRows() ? " AND p.status <> 'DEAD'" : "";
        // completed_at IS NULL is "not DONE": pending, in flight or dead. Both dialects index it (PostgreSQL with
        // partial indexes), so neither scan reads the completed rows that wait for the retention clean-up.
        return "SELECT o.seq, o.id, o.sink, o.aggregatetype, o.aggregateid, o.type, o.payload, o.content_type, "
                + "o.headers, o.attempts, o.lease_token, o.created_at FROM " + table + " o "
                + "WHERE o.sink IN (" + sinkList + ") AND o.completed_at IS NULL "
                + "AND o.status IN ('PENDING', 'IN_FLIGHT') "
                + "AND ((o.status = 'PENDING' AND o.available_at <= ?) OR (o.status = 'IN_FLIGHT' AND o.lease_until <= ?)) "
                + "AND (o.aggregateid IS NULL OR NOT EXISTS (SELECT 1 FROM " + table + " p"
                + database.dialect().keyIndexHint(database.tables()) + " WHERE p.sink = o.sink "
                + "AND p.aggregateid = o.aggregateid AND p.completed_at IS NULL AND p.seq < o.seq" + blocking + ")) "
                + "ORDER BY o.seq LIMIT ?" + database.dialect().lockSkipLocked();
    }

    void start() {
        completer.start();
        poller.start();
    }

    void wake() {
        if (woken.compareAndSet(false, true)) {
            LockSupport.unpark(poller);
        }
    }

    private void wakeAfter(Duration delay) {
        if (running) {
            try {
                timer.schedule(this::wake, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RuntimeException closed) {
                LOG.debug("the relay's timer is closed", closed);
            }
        }
    }

    private void released(List<Claimed> rows) {
        for (Claimed row : rows) {
            delivering.remove(row.seq());
        }
        inFlight.addAndGet(-rows.size());
        wake();
    }

    void close() {
        running = false;
        LockSupport.unpark(poller);
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        try {
            poller.join(Math.max(1, config.drainTimeout().toMillis()));
            workers.shutdown();
            if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                // Release what never started; let running handlers finish on their own (daemon) threads rather
                // than interrupt them: an interrupt inside H2's file I/O closes the database.
                List<Runnable> unstarted = new ArrayList<>();
                workers.getQueue().drainTo(unstarted);
                for (Runnable delivery : unstarted) {
                    if (delivery instanceof Delivery) {
                        completer.released(((Delivery) delivery).row);
                    }
                }
            }
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        completer.close(Duration.ofSeconds(5));
        timer.shutdownNow();
        closeConnection();
        if (inFlight.get() > 0) {
            LOG.info("outbox relay {} closed with {} deliveries unfinished; their rows will be claimed again when "
                    + "their leases run out", config.owner(), inFlight.get());
        }
    }

    private void run() {
        while (running) {
            int claimed = 0;
            int asked = 0;
            // Reset before looking, so a wake that comes while claiming (or while every slot is taken) is kept.
            woken.set(false);
            try {
                cleanUpIfDue();
                // Claim no more than the workers can start soon: rows that wait in the queue past their lease are
                // claimed again elsewhere. Asynchronous sinks leave the queue at once, so this bounds only handlers.
                asked = Math.min(config.batchSize(), Math.min(config.maxInFlight() - inFlight.get(),
                        2 * config.batchSize() - workers.getQueue().size()));
                if (asked > 0) {
                    claimed = claimAndDispatch(asked);
                }
            } catch (SQLException | RuntimeException failure) {
                closeConnection();
                LOG.warn("the outbox relay {} failed to claim rows from {}; retrying after {}", config.owner(),
                        database, config.pollInterval(), failure);
                park(config.pollInterval());
                continue;
            }
            if (asked > 0 && claimed == asked) {
                continue;
            }
            park(config.pollInterval());
        }
    }

    private void park(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (running && !woken.get()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, left);
        }
    }

    private int claimAndDispatch(int limit) throws SQLException {
        Connection claims = connection();
        Instant now = config.clock().instant();
        Instant until = now.plus(config.leaseDuration());
        List<Claimed> rows = new ArrayList<>();
        try {
            try (PreparedStatement select = claims.prepareStatement(claim)) {
                int index = 1;
                for (SinkSpec sink : config.sinks()) {
                    select.setString(index++, sink.name());
                }
                database.dialect().setTime(select, index++, now);
                database.dialect().setTime(select, index++, now);
                // Rows still being delivered here are left out below: ask for as many more, lest they fill the page.
                select.setInt(index, limit + delivering.size());
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(new Claimed(result.getLong("seq"), result.getString("id"),
                                sinks.get(result.getString("sink")), result.getString("aggregatetype"),
                                result.getString("aggregateid"), result.getString("type"),
                                result.getBytes("payload"), result.getString("content_type"),
                                result.getString("headers"), result.getInt("attempts") + 1,
                                result.getLong("lease_token") + 1, database.dialect().getTime(result, "created_at"),
                                until));
                    }
                }
            }
            rows.removeIf(row -> delivering.contains(row.seq()));
            if (rows.size() > limit) {
                rows.subList(limit, rows.size()).clear();
            }
            if (!rows.isEmpty() && database.dialect() == Dialect.POSTGRESQL) {
                try (PreparedStatement update = claims.prepareStatement(lease)) {
                    update.setString(1, config.owner());
                    database.dialect().setTime(update, 2, until);
                    update.setArray(3, claims.createArrayOf("bigint",
                            rows.stream().map(Claimed::seq).toArray(Long[]::new)));
                    int updated = update.executeUpdate();
                    if (updated != rows.size()) {
                        throw new SQLException("the claim leased " + updated + " of the " + rows.size()
                                + " rows it had locked");
                    }
                }
            } else if (!rows.isEmpty()) {
                try (PreparedStatement update = claims.prepareStatement(lease)) {
                    for (Claimed row : rows) {
                        update.setString(1, config.owner());
                        database.dialect().setTime(update, 2, until);
                        update.setLong(3, row.token());
                        update.setInt(4, row.attempt());
                        update.setLong(5, row.seq());
                        update.addBatch();
                    }
                    update.executeBatch();
                }
            }
            claims.commit();
        } catch (SQLException | RuntimeException failure) {
            try {
                claims.rollback();
            } catch (SQLException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
        for (Claimed row : rows) {
            inFlight.incrementAndGet();
            delivering.add(row.seq());
            if (row.attempt() > config.retry().maxAttempts()) {
                completer.failed(row, new TimeoutException("the lease of attempt " + (row.attempt() - 1)
                        + " ran out before it completed (the relay died or the delivery outlasted the lease)"));
                continue;
            }
            try {
                workers.execute(new Delivery(row));
            } catch (RuntimeException rejected) {
                completer.released(row);
            }
        }
        return rows.size();
    }

    private void cleanUpIfDue() throws SQLException {
        Instant now = config.clock().instant();
        if (now.isBefore(nextCleanup)) {
            return;
        }
        nextCleanup = now.plus(cleanupInterval);
        if (config.retention().isZero()) {
            return;
        }
        Connection cleanup = connection();
        int deleted = 0;
        for (int round = 0; round < CLEANUP_ROUNDS && running; round++) {
            int count;
            try (PreparedStatement delete = cleanup.prepareStatement(database.dialect().deleteCompleted(
                    database.tables()))) {
                database.dialect().setTime(delete, 1, now.minus(config.retention()));
                delete.setInt(2, config.cleanupBatchSize());
                count = delete.executeUpdate();
                cleanup.commit();
            } catch (SQLException failure) {
                cleanup.rollback();
                throw failure;
            }
            deleted += count;
            if (count < config.cleanupBatchSize()) {
                break;
            }
        }
        if (deleted > 0) {
            LOG.debug("outbox relay {} deleted {} rows completed before {}", config.owner(), deleted,
                    now.minus(config.retention()));
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = database.connectForRelay();
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                LOG.debug("closing the relay's connection failed", ignored);
            }
            connection = null;
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** One claimed row on its way to its destination, on a worker thread. */
    private final class Delivery implements Runnable {
        final Claimed row;

        Delivery(Claimed row) {
            this.row = row;
        }

        @Override
        public void run() {
            if (!config.clock().instant().isBefore(row.leaseUntil())) {
                // The lease ran out while the row waited for a worker: another relay may deliver it already, so
                // delivering it here would only make a duplicate. Release it with its attempt given back, fenced by
                // the token, so a row that waited is never made dead by claims that delivered nothing.
                LOG.debug("outbox {}: lease ran out before its delivery started; released", row);
                completer.released(row);
                return;
            }
            CompletionStage<?> stage;
            try {
                OutboxRecord record = new OutboxRecord(row.id(), row.sink().name(), row.topic(), row.key(),
                        row.type(), row.payload(), row.contentType(), Headers.decode(row.headers()), row.attempt(),
                        row.createdAt(), config.serializer());
                stage = row.sink().relayed().deliver(record, database);
            } catch (Exception failure) {
                completer.failed(row, failure);
                return;
            } catch (Error error) {
                completer.failed(row, error);
                throw error;
            }
            if (stage instanceof CompletableFuture && ((CompletableFuture<?>) stage).isDone()) {
                settle((CompletableFuture<?>) stage);
                return;
            }
            AtomicBoolean settled = new AtomicBoolean();
            ScheduledFuture<?> timeout = timer.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    completer.failed(row, new TimeoutException("no acknowledgement within "
                            + config.deliveryTimeout()));
                }
            }, config.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
            stage.whenComplete((ignored, failure) -> {
                if (settled.compareAndSet(false, true)) {
                    timeout.cancel(false);
                    if (failure == null) {
                        completer.completed(row);
                    } else {
                        completer.failed(row, unwrap(failure));
                    }
                }
            });
        }

        private void settle(CompletableFuture<?> done) {
            try {
                done.get();
                completer.completed(row);
            } catch (ExecutionException failure) {
                completer.failed(row, unwrap(failure));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                completer.failed(row, interrupted);
            } catch (java.util.concurrent.CancellationException cancelled) {
                completer.failed(row, cancelled);
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
