package org.busline.outbox.internal;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.busline.RetryPolicy;
import org.busline.spi.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounting room: writes how each delivery ended (completed, failed and due again later, dead, or released
 * unstarted at close), only with the claim's fencing token.
 *
 * <p>Design note: one thread owns one connection and drains a queue of outcomes, writing everything that queued up in
 * one transaction of batched updates ({@code ... WHERE seq = ? AND lease_token = ? AND status = 'IN_FLIGHT'}). An
 * update count of 0 means that another relay claimed the row again after this relay's lease ran out: the other
 * relay's state stands, the outcome is counted as fenced and logged. Any thread may enqueue; after a batch is written
 * the relay is told how many rows left its hands, so it can claim more (and the next row of their keys).
 */
final class Completer {
    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);
    private static final int MAX_BATCH = 1_000;

    enum Kind { COMPLETED, FAILED, RELEASED }

    record Outcome(Claimed row, Kind kind, Throwable failure) {
    }

    private final Database database;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Counters counters;
    private final boolean deleteOnCompletion;
    /** Called with the rows whose outcomes were written (or given up on), on the completer's thread. */
    private final Consumer<List<Claimed>> onWritten;
    private final Consumer<Duration> wakeAfter;
    private final BlockingQueue<Outcome> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final String complete;
    private final String fail;
    private final String release;
    /** PostgreSQL: the whole batch of completions in one statement that returns the rows it completed. */
    private final String completeAll;
    private volatile boolean running = true;
    private Connection connection;

    Completer(Database database, RetryPolicy retry, Clock clock, Counters counters, boolean deleteOnCompletion,
              String name, Consumer<List<Claimed>> onWritten, Consumer<Duration> wakeAfter) {
        this.database = database;
        this.retry = retry;
        this.clock = clock;
        this.counters = counters;
        this.deleteOnCompletion = deleteOnCompletion;
        this.onWritten = onWritten;
        this.wakeAfter = wakeAfter;
        String table = database.tables().outbox();
        String fenced = " WHERE seq = ? AND lease_token = ? AND status = 'IN_FLIGHT'";
        this.complete = deleteOnCompletion ? "DELETE FROM " + table + fenced
                : "UPDATE " + table + " SET status = 'DONE', completed_at = ?, lease_owner = NULL, "
                        + "lease_until = NULL" + fenced;
        this.fail = "UPDATE " + table + " SET status = ?, available_at = ?, lease_owner = NULL, lease_until = NULL, "
                + "last_error_type = ?, last_error_message = ?" + fenced;
        String pairs = " unnest(?::bigint[], ?::bigint[]) AS c(seq, token) WHERE t.seq = c.seq AND t.lease_token = "
                + "c.token AND t.status = 'IN_FLIGHT' RETURNING t.seq, t.lease_token";
        this.completeAll = database.dialect() != Dialect.POSTGRESQL ? null : deleteOnCompletion
                ? "DELETE FROM " + table + " t USING" + pairs
                : "UPDATE " + table + " t SET status = 'DONE', completed_at = ?, lease_owner = NULL, lease_until = NULL "
                        + "FROM" + pairs;
        this.release = "UPDATE " + table + " SET status = 'PENDING', attempts = attempts - 1, lease_owner = NULL, "
                + "lease_until = NULL" + fenced;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void completed(Claimed row) {
        queue.add(new Outcome(row, Kind.COMPLETED, null));
    }

    void failed(Claimed row, Throwable failure) {
        queue.add(new Outcome(row, Kind.FAILED, failure));
    }

    void released(Claimed row) {
        queue.add(new Outcome(row, Kind.RELEASED, null));
    }

    /**
     * Writes what is queued, then stops; outcomes enqueued later are never written (their leases run out). Never
     * interrupts the thread: an interrupt inside H2's file I/O closes the database.
     */
    void close(Duration timeout) {
        running = false;
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }

    private void run() {
        List<Outcome> batch = new ArrayList<>();
        while (true) {
            try {
                if (running) {
                    Outcome first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
            } catch (InterruptedException interrupted) {
                // Nobody should interrupt this thread (the flag is now clear): write what is queued and go on.
                LOG.debug("the outbox's completer was interrupted; it goes on", interrupted);
            }
            queue.drainTo(batch, MAX_BATCH - batch.size());
            if (!batch.isEmpty()) {
                write(batch);
                List<Claimed> rows = new ArrayList<>(batch.size());
                for (Outcome outcome : batch) {
                    rows.add(outcome.row());
                }
                batch.clear();
                onWritten.accept(rows);
            } else if (!running) {
                return;
            }
        }
    }

    private void write(List<Outcome> batch) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                writeOnce(batch);
                return;
            } catch (SQLException failure) {
                closeConnection();
                if (attempt == 2) {
                    LOG.error("the outbox could not record the outcome of {} deliveries in {}; their rows will be "
                            + "delivered again when their leases run out", batch.size(), database, failure);
                } else {
                    LOG.warn("the outbox failed to record {} delivery outcomes in {}; retrying once", batch.size(),
                            database, failure);
                }
            }
        }
    }

    private void writeOnce(List<Outcome> batch) throws SQLException {
        if (connection == null) {
            connection = database.connectForRelay();
        }
        Instant now = clock.instant();
        List<Outcome> completed = new ArrayList<>();
        List<Outcome> failed = new ArrayList<>();
        List<Outcome> released = new ArrayList<>();
        for (Outcome outcome : batch) {
            switch (outcome.kind()) {
                case COMPLETED:
                    completed.add(outcome);
                    break;
                case FAILED:
                    failed.add(outcome);
                    break;
                default:
                    released.add(outcome);
                    break;
            }
        }
        List<Runnable> afterCommit = new ArrayList<>();
        try {
            if (!completed.isEmpty()) {
                int[] counts = completions(completed, now);
                for (int i = 0; i < counts.length; i++) {
                    Claimed row = completed.get(i).row();
                    if (counts[i] == 0) {
                        afterCommit.add(() -> fenced(row, "completion"));
                    } else {
                        afterCommit.add(counters.delivered::increment);
                    }
                }
            }
            if (!failed.isEmpty()) {
                failures(failed, now, afterCommit);
            }
            if (!released.isEmpty()) {
                try (PreparedStatement statement = connection.prepareStatement(release)) {
                    for (Outcome outcome : released) {
                        statement.setLong(1, outcome.row().seq());
                        statement.setLong(2, outcome.row().token());
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException failure) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
        afterCommit.forEach(Runnable::run);
    }

    private int[] completions(List<Outcome> completed, Instant now) throws SQLException {
        if (completeAll != null) {
            try (PreparedStatement statement = connection.prepareStatement(completeAll)) {
                int index = 1;
                if (!deleteOnCompletion) {
                    database.dialect().setTime(statement, index++, now);
                }
                statement.setArray(index++, connection.createArrayOf("bigint",
                        completed.stream().map(outcome -> outcome.row().seq()).toArray(Long[]::new)));
                statement.setArray(index, connection.createArrayOf("bigint",
                        completed.stream().map(outcome -> outcome.row().token()).toArray(Long[]::new)));
                // By (seq, token): one batch may hold two outcomes of one row, a late one of an older claim too.
                java.util.Set<String> done = new java.util.HashSet<>();
                try (java.sql.ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        done.add(rows.getLong(1) + ":" + rows.getLong(2));
                    }
                }
                int[] counts = new int[completed.size()];
                for (int i = 0; i < counts.length; i++) {
                    Claimed row = completed.get(i).row();
                    counts[i] = done.contains(row.seq() + ":" + row.token()) ? 1 : 0;
                }
                return counts;
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(complete)) {
            for (Outcome outcome : completed) {
                int index = 1;
                if (!deleteOnCompletion) {
                    database.dialect().setTime(statement, index++, now);
                }
                statement.setLong(index++, outcome.row().seq());
                statement.setLong(index, outcome.row().token());
                statement.addBatch();
            }
            return counts(statement.executeBatch(), completed.size());
        }
    }

    private void failures(List<Outcome> failed, Instant now, List<Runnable> afterCommit) throws SQLException {
        Duration soonest = null;
        try (PreparedStatement statement = connection.prepareStatement(fail)) {
            List<Boolean> dead = new ArrayList<>();
            for (Outcome outcome : failed) {
                Claimed row = outcome.row();
                Throwable failure = outcome.failure();
                boolean retried = row.attempt() < retry.maxAttempts() && retry.isRetryable(failure)
                        && !(failure instanceof SerializationException);
                Duration delay = retried ? retry.delay(row.attempt()) : Duration.ZERO;
                if (retried && (soonest == null || delay.compareTo(soonest) < 0)) {
                    soonest = delay;
                }
                dead.add(!retried);
                statement.setString(1, retried ? "PENDING" : "DEAD");
                database.dialect().setTime(statement, 2, now.plus(delay));
                statement.setString(3, truncate(failure.getClass().getName(), 255));
                statement.setString(4, truncate(String.valueOf(failure.getMessage()), 2000));
                statement.setLong(5, row.seq());
                statement.setLong(6, row.token());
                statement.addBatch();
            }
            int[] counts = counts(statement.executeBatch(), failed.size());
            for (int i = 0; i < counts.length; i++) {
                Outcome outcome = failed.get(i);
                boolean isDead = dead.get(i);
                if (counts[i] == 0) {
                    afterCommit.add(() -> fenced(outcome.row(), "failure"));
                } else {
                    afterCommit.add(() -> {
                        counters.failedAttempts.increment();
                        if (isDead) {
                            counters.deadLettered.increment();
                            LOG.warn("outbox {} is DEAD after {} attempts; it blocks later events of its key until "
                                    + "resubmitted", outcome.row(), outcome.row().attempt(), outcome.failure());
                        } else {
                            LOG.debug("outbox {} failed; retrying later", outcome.row(), outcome.failure());
                        }
                    });
                }
            }
        }
        if (soonest != null) {
            Duration wake = soonest;
            afterCommit.add(() -> wakeAfter.accept(wake));
        }
    }

    private void fenced(Claimed row, String what) {
        counters.fenced.increment();
        LOG.info("outbox {}: {} refused, another relay claimed the row again after this relay's lease ran out",
                row, what);
    }

    private static int[] counts(int[] counts, int expected) throws SQLException {
        if (counts.length != expected) {
            throw new SQLException("the driver returned " + counts.length + " update counts for " + expected
                    + " statements");
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == PreparedStatement.SUCCESS_NO_INFO) {
                throw new BatchUpdateException("the driver reports no update count; the outbox needs it for fencing",
                        counts);
            }
        }
        return counts;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                LOG.debug("closing the completer's connection failed", ignored);
            }
            connection = null;
        }
    }
}
