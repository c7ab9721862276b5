package org.busline.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.outbox.Outbox;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The transactional outbox (bus-outbox), against the plain JDBC it adds to; throughput in transactions (or events)
 * per second. Needs the PostgreSQL server at 127.0.0.1:5432 (database test, user postgres; override with
 * {@code -Dbusline.pg.url=...}); H2 runs in file mode with {@code WRITE_DELAY=0} in a temporary directory.
 *
 * <ul>
 *   <li>{@code businessRowOnly}: one business row INSERT and the commit: the floor.</li>
 *   <li>{@code plainOutboxInsert}: the business row and a plain JDBC INSERT of an outbox row of the same columns and
 *       the same pre-serialized bytes, one commit: what a hand-written outbox costs.</li>
 *   <li>{@code outboxPublish}: the business row and {@code outbox.publish} (serialization through bus-jackson, one
 *       row for its one durable subscription), one commit. The target is within 1.3x of {@code plainOutboxInsert}.
 *       The relay is off, so this measures publishing alone.</li>
 *   <li>{@code relayBacklog} (PostgreSQL): a backlog of {@value #BACKLOG} committed events over 1,000 keys, claimed
 *       in batches of 200, delivered to a durable subscription that counts them, completed in batched updates; one
 *       operation is one event, from the relay's start until the last is handled.</li>
 * </ul>
 * Spring Modulith and gruelbox are not on this project's class path; ANCHORS.md reports them from another harness.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class OutboxBenchmark {
    /** The events of the relay's backlog. */
    public static final int BACKLOG = 10_000;

    static final String PG_URL = System.getProperty("busline.pg.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=3");
    static final Topic<SerializationBenchmark.OrderPlaced> ORDERS =
            Topic.of("bench.orders.placed", SerializationBenchmark.OrderPlaced.class);
    static final SerializationBenchmark.OrderPlaced ORDER = new SerializationBenchmark.OrderPlaced(
            "o-20240611-000042", "c-7781", 129_90L, "EUR", List.of("sku-1001", "sku-2002", "sku-3003"),
            1_718_100_000_000L);

    /** One database with the outbox's tables and a business table, and one connection of the benchmark's thread. */
    @State(Scope.Thread)
    public static class Publishing {
        @Param({"h2", "postgresql"})
        public String database;

        Database db;
        Outbox outbox;
        MessageBus bus;
        Connection connection;
        PreparedStatement business;
        PreparedStatement plain;
        byte[] payload;
        final AtomicLong ids = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws Exception {
            db = new Database(database);
            bus = MessageBus.builder().name("bench").build();
            outbox = Outbox.builder(db.dataSource, bus).tablePrefix(db.prefix).relay(false)
                    .durable("bench.shipping", ORDERS, order -> { }).build();
            connection = db.dataSource.getConnection();
            connection.setAutoCommit(false);
            business = connection.prepareStatement("INSERT INTO " + db.prefix + "orders (id, amount) VALUES (?, ?)");
            plain = connection.prepareStatement("INSERT INTO " + db.prefix + "outbox (id, sink, aggregatetype, "
                    + "aggregateid, type, payload, content_type, headers, tracingspancontext, status, attempts, "
                    + "available_at, lease_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, 0, ?)");
            payload = ("{\"id\":\"0192a0e0-0000-7000-8000-000000000000\",\"source\":\"bench.orders.placed\","
                    + "\"type\":\"bench.orders.placed\",\"version\":1,\"data\":{\"orderId\":\"o-20240611-000042\","
                    + "\"customerId\":\"c-7781\",\"amountCents\":12990,\"currency\":\"EUR\",\"skus\":[\"sku-1001\","
                    + "\"sku-2002\",\"sku-3003\"],\"placedAt\":1718100000000}}").getBytes(StandardCharsets.UTF_8);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            business.close();
            plain.close();
            connection.close();
            outbox.close();
            bus.close();
            db.close();
        }

        String insertBusinessRow() throws SQLException {
            String id = "o-" + ids.incrementAndGet();
            business.setString(1, id);
            business.setInt(2, 12990);
            business.executeUpdate();
            return id;
        }
    }

    /** A committed backlog for the relay, made again before each measured run. */
    @State(Scope.Thread)
    public static class Backlog {
        Database db;
        MessageBus bus;
        final AtomicInteger handled = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws Exception {
            db = new Database("postgresql");
            bus = MessageBus.builder().name("bench-relay").build();
        }

        @Setup(Level.Invocation)
        public void fill() throws Exception {
            handled.set(0);
            try (Outbox publisher = Outbox.builder(db.dataSource, bus).tablePrefix(db.prefix).relay(false)
                    .durable("bench.inventory", ORDERS, order -> { }).build();
                 Connection connection = db.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                for (int n = 0; n < BACKLOG; n++) {
                    publisher.publish(connection, ORDERS, ORDER, "key-" + n % 1_000);
                    if (n % 500 == 499) {
                        connection.commit();
                    }
                }
                connection.commit();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            bus.close();
            db.close();
        }
    }

    @Benchmark
    public String businessRowOnly(Publishing state) throws SQLException {
        String id = state.insertBusinessRow();
        state.connection.commit();
        return id;
    }

    @Benchmark
    public String plainOutboxInsert(Publishing state) throws SQLException {
        String id = state.insertBusinessRow();
        PreparedStatement plain = state.plain;
        Instant now = Instant.now();
        plain.setString(1, UUID.randomUUID().toString());
        plain.setString(2, "bench.shipping");
        plain.setString(3, ORDERS.name());
        plain.setString(4, id);
        plain.setString(5, ORDERS.name());
        plain.setBytes(6, state.payload);
        plain.setString(7, "application/vnd.busline.envelope+json");
        plain.setString(8, null);
        plain.setString(9, null);
        plain.setObject(10, now.atOffset(ZoneOffset.UTC));
        plain.setObject(11, now.atOffset(ZoneOffset.UTC));
        plain.executeUpdate();
        state.connection.commit();
        return id;
    }

    @Benchmark
    public String outboxPublish(Publishing state) throws SQLException {
        String id = state.insertBusinessRow();
        String event = state.outbox.publish(state.connection, ORDERS, ORDER, id);
        state.connection.commit();
        return event;
    }

    @Benchmark
    @OperationsPerInvocation(BACKLOG)
    public int relayBacklog(Backlog state) throws InterruptedException {
        Outbox relay = Outbox.builder(state.db.dataSource, state.bus).tablePrefix(state.db.prefix)
                .batchSize(200).maxInFlight(2_000).relayThreads(4).retention(Duration.ZERO)
                .durable("bench.inventory", ORDERS, order -> state.handled.incrementAndGet()).build();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (state.handled.get() < BACKLOG) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the relay handled only " + state.handled.get() + " of "
                            + BACKLOG + " events in 2 minutes");
                }
                Thread.sleep(1);
            }
        } finally {
            relay.close();
        }
        return state.handled.get();
    }

    /** A database for one trial: H2 in a temporary directory, or fresh tables on the PostgreSQL server. */
    static final class Database {
        final String prefix = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        final Path directory;
        final DataSource dataSource;

        Database(String kind) throws IOException, SQLException {
            if (kind.equals("h2")) {
                directory = Files.createTempDirectory("busline-outbox-bench");
                dataSource = new UrlDataSource("jdbc:h2:file:" + directory.resolve("db").toAbsolutePath()
                        + ";WRITE_DELAY=0");
            } else {
                directory = null;
                dataSource = new UrlDataSource(PG_URL);
                try (Connection probe = dataSource.getConnection()) {
                    probe.isValid(3);
                } catch (SQLException absent) {
                    throw new IllegalStateException("OutboxBenchmark needs PostgreSQL at " + PG_URL
                            + " (set -Dbusline.pg.url): " + absent, absent);
                }
            }
            try (Connection connection = dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE " + prefix + "orders (id VARCHAR(64) PRIMARY KEY, amount INT)");
            }
        }

        void close() throws IOException, SQLException {
            if (directory == null) {
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    for (String table : List.of("orders", "outbox", "inbox", "outbox_schema")) {
                        statement.execute("DROP TABLE IF EXISTS " + prefix + table);
                    }
                }
            } else {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** A DataSource of a JDBC URL, a new connection each time, as the drivers' simple ones. */
    static final class UrlDataSource implements DataSource {
        private final String url;

        UrlDataSource(String url) {
            this.url = url;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }

        @Override
        public String toString() {
            return url;
        }
    }
}
