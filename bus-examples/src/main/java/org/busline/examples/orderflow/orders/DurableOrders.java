package org.busline.examples.orderflow.orders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.busline.MessageBus;
import org.busline.outbox.Outbox;
import org.busline.outbox.OutboxStats;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The orders module on a transactional outbox (bus-outbox): each order is saved in the module's own H2 table and its
 * {@link OrderPlaced} is published through the outbox in the same transaction, so an order and its event commit or
 * fail together. The payments side is a durable subscription that records its charge in its own table in one
 * transaction with the outbox's inbox row, so a redelivered event charges once.
 *
 * <p>{@code --outbox} places orders (every tenth refused by a business rule and rolled back) and waits until each
 * committed one is charged. {@code --crash} runs the same in a child JVM, kills it with SIGKILL twice in mid-stream,
 * restarts it, and checks that every committed order was charged exactly once and no refused one ever was; it keeps
 * the shop on PostgreSQL ({@link #CRASH_SERVER}, a schema of its own), since H2 2.x does not reliably survive a
 * kill -9: a killed transaction can keep its row locks, or be half applied, in the next process (bus-outbox's README,
 * "Crash caveat").
 */
public final class DurableOrders {
    static final String CONSUMER = "payments.charge";
    /** The PostgreSQL server of {@code --crash}, overridable with {@code -Dbusline.pg.url}. */
    static final String CRASH_SERVER = System.getProperty("busline.pg.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=3");

    private DurableOrders() {
    }

    /** The shop's database: H2 in file mode, {@code WRITE_DELAY=0}, so a commit survives a killed process. */
    static DataSource database(Path directory) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("shop").toAbsolutePath() + ";WRITE_DELAY=0");
        return dataSource;
    }

    /** The orders module's and the payments module's tables. */
    static void createTables(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(32) PRIMARY KEY, customer VARCHAR(64), "
                    + "sku VARCHAR(32), quantity INT, amount_cents BIGINT)");
            statement.execute("CREATE TABLE IF NOT EXISTS charges (order_id VARCHAR(32) NOT NULL, "
                    + "event_id VARCHAR(64) NOT NULL)");
        }
    }

    /** The outbox, with the payments module's durable subscription. */
    static Outbox outbox(DataSource dataSource, MessageBus bus, AtomicInteger charged) {
        return Outbox.builder(dataSource, bus).pollInterval(Duration.ofMillis(100)).leaseDuration(Duration.ofSeconds(2))
                .durableInTransaction(CONSUMER, OrderPlaced.TOPIC, (connection, event) -> {
                    try (PreparedStatement charge = connection.prepareStatement(
                            "INSERT INTO charges (order_id, event_id) VALUES (?, ?)")) {
                        charge.setString(1, event.payload().orderId());
                        charge.setString(2, event.id());
                        charge.executeUpdate();
                    }
                    charged.incrementAndGet();
                })
                .build();
    }

    /** Saves an order and publishes its event in one transaction; a refused order rolls both back. */
    static boolean place(Outbox outbox, int number) {
        OrderPlaced order = new OrderPlaced("o-" + number, "customer-" + number % 100, "sku-apple", 1 + number % 3,
                250L * (1 + number % 3));
        try {
            outbox.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, order.orderId());
                    insert.setString(2, order.customer());
                    insert.setString(3, order.sku());
                    insert.setInt(4, order.quantity());
                    insert.setLong(5, order.amountCents());
                    insert.executeUpdate();
                }
                outbox.publish(connection, OrderPlaced.TOPIC, order, order.customer());
                if (number % 10 == 9) {
                    throw new IllegalStateException("order " + order.orderId() + " refused: over the credit limit");
                }
                return null;
            });
            return true;
        } catch (IllegalStateException refused) {
            return false;
        }
    }

    /** {@code --outbox}: places the orders, waits for every charge, prints the counts; 0 if nothing was lost. */
    public static int run(int orders, PrintStream out) throws Exception {
        Path directory = Files.createTempDirectory("busline-durable-orders");
        DataSource dataSource = database(directory);
        createTables(dataSource);
        AtomicInteger charged = new AtomicInteger();
        int committed = 0;
        try (MessageBus bus = MessageBus.builder().name("shop").build();
             Outbox outbox = outbox(dataSource, bus, charged)) {
            for (int n = 1; n <= orders; n++) {
                committed += place(outbox, n) ? 1 : 0;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (pending(outbox) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return report(dataSource, "H2 at " + directory, committed, orders - committed, out);
    }

    /** A PostgreSQL database from its JDBC URL. */
    static DataSource postgres(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        return dataSource;
    }

    /**
     * {@code --crash}: a child places orders and is killed twice; a third one drains; then the counts.
     *
     * @return 0 if nothing was lost, 1 if something was, 2 if PostgreSQL does not answer
     */
    public static int crash(PrintStream out) throws Exception {
        Path directory = Files.createTempDirectory("busline-durable-orders");
        String schema = "busline_crash_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
        try (Connection connection = postgres(CRASH_SERVER).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException absent) {
            out.println("--crash keeps the shop on PostgreSQL, which does not answer at " + CRASH_SERVER + ": "
                    + absent.getMessage());
            return 2;
        }
        String url = CRASH_SERVER + (CRASH_SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            return crash(url, schema, directory, out);
        } finally {
            try (Connection connection = postgres(CRASH_SERVER).getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static int crash(String url, String schema, Path directory, PrintStream out) throws Exception {
        out.println("Orders placed by a child process on PostgreSQL (schema " + schema + "), killed with SIGKILL "
                + "twice; its logs in " + directory + ":");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int next = 1;
        for (int life = 1; life <= 3; life++) {
            boolean last = life == 3;
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), DurableOrders.class.getName(),
                    url, last ? "drain" : "place", Integer.toString(next))
                    .redirectError(directory.resolve("child-" + life + ".log").toFile()).start();
            int before = acknowledged.size();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("COMMITTED ")) {
                            acknowledged.add(line.substring(10));
                        }
                    }
                } catch (IOException killed) {
                    // the output ends where the child died
                }
            });
            reader.start();
            if (last) {
                if (!child.waitFor(60, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor();
                    out.println("FAILED: the restarted process had not delivered what was left within 60 s (its log: "
                            + directory.resolve("child-" + life + ".log") + ")");
                    return 1;
                }
                out.println("  restarted: delivered what the killed processes had left, then stopped");
            } else {
                // Kill it in mid-stream: once it committed a few hundred orders, at a random moment.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (acknowledged.size() - before < 200 && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(300));
                child.destroyForcibly().waitFor();
                out.printf("  process %d killed after %d committed orders%n", life, acknowledged.size() - before);
            }
            reader.join(5_000);
            next += 1_000_000;
        }
        if (acknowledged.isEmpty()) {
            out.println("FAILED: the child processes committed no order");
            return 1;
        }
        DataSource dataSource = postgres(url);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM orders o WHERE o.id IN ("
                     + (acknowledged.isEmpty() ? "''" : "'" + String.join("','", acknowledged) + "'") + ")")) {
            rows.next();
            if (rows.getInt(1) != acknowledged.size()) {
                out.println("LOST: " + (acknowledged.size() - rows.getInt(1)) + " acknowledged orders are missing");
                return 1;
            }
        }
        return report(dataSource, "PostgreSQL, schema " + schema, acknowledged.size(), -1, out);
    }

    private static long pending(Outbox outbox) {
        OutboxStats stats = outbox.stats();
        return stats.pending() + stats.inFlight();
    }

    private static int report(DataSource dataSource, String where, int committed, int refused, PrintStream out)
            throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            long orders = count(statement, "SELECT COUNT(*) FROM orders");
            long charges = count(statement, "SELECT COUNT(*) FROM charges");
            long uncharged = count(statement, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                    + "(SELECT 1 FROM charges c WHERE c.order_id = o.id)");
            long twice = count(statement, "SELECT COUNT(*) FROM (SELECT order_id FROM charges GROUP BY order_id "
                    + "HAVING COUNT(*) > 1) t");
            long orphans = count(statement, "SELECT COUNT(*) FROM charges c WHERE NOT EXISTS "
                    + "(SELECT 1 FROM orders o WHERE o.id = c.order_id)");
            long left = count(statement, "SELECT COUNT(*) FROM busline_outbox WHERE completed_at IS NULL");
            out.printf("Orders through the outbox (%s):%n", where);
            out.printf("  %d orders committed%s, %d in the orders table, %d charged%n", committed,
                    refused >= 0 ? " and " + refused + " refused (rolled back)" : " and acknowledged", orders,
                    charges);
            out.printf("  %d committed orders never charged, %d charged twice, %d charges of orders that do not "
                    + "exist, %d events left in the outbox%n", uncharged, twice, orphans, left);
            boolean ok = uncharged == 0 && twice == 0 && orphans == 0 && left == 0 && orders >= committed;
            out.println(ok ? "OK: every committed order charged exactly once, no refused order charged"
                    : "LOST: see the counts above");
            return ok ? 0 : 1;
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * The child of {@link #crash}: {@code <jdbc-url> place <first>} places orders until it is killed, printing
     * {@code COMMITTED <id>} after each commit; {@code <jdbc-url> drain <first>} delivers what is left and exits.
     *
     * @param args the PostgreSQL URL, the mode and the first order number
     * @throws Exception if the shop fails
     */
    public static void main(String[] args) throws Exception {
        DataSource dataSource = postgres(args[0]);
        createTables(dataSource);
        AtomicInteger charged = new AtomicInteger();
        try (MessageBus bus = MessageBus.builder().name("shop").build();
             Outbox outbox = outbox(dataSource, bus, charged)) {
            if (args[1].equals("drain")) {
                while (pending(outbox) > 0) {
                    Thread.sleep(50);
                }
                return;
            }
            for (int n = Integer.parseInt(args[2]); ; n++) {
                if (place(outbox, n)) {
                    System.out.println("COMMITTED o-" + n);
                    System.out.flush();
                }
            }
        }
    }
}
