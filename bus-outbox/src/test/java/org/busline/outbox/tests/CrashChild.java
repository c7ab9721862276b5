package org.busline.outbox.tests;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.outbox.Outbox;
import org.busline.outbox.OutboxStats;
import org.busline.outbox.tests.Messages.OrderPlaced;

/**
 * The process {@link CrashTest} kills: it commits orders with their events in a loop and prints each commit after it
 * was acknowledged ({@code ACK n id}) and each rollback ({@code ROLLBACK n id}); its durable subscription records
 * every delivery it handles, committed, in the table {@code handled} (with no de-duplication, so duplicates show).
 *
 * <p>Arguments: JDBC URL, table prefix, incarnation number, {@code publish} or {@code drain}, first order number.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] arguments) throws Exception {
        String url = arguments[0];
        String prefix = arguments[1];
        int incarnation = Integer.parseInt(arguments[2]);
        boolean publish = arguments[3].equals("publish");
        int first = Integer.parseInt(arguments[4]);
        PrintStream out = System.out;
        UrlDataSource dataSource = new UrlDataSource(url);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + prefix + "orders (id VARCHAR(64) PRIMARY KEY, "
                    + "amount INT)");
            statement.execute("CREATE TABLE IF NOT EXISTS " + prefix + "handled (event_id VARCHAR(64) NOT NULL, "
                    + "order_no INT NOT NULL, incarnation INT NOT NULL)");
        }
        ThreadLocal<Connection> handlerConnections = ThreadLocal.withInitial(() -> {
            try {
                return dataSource.getConnection();
            } catch (SQLException failure) {
                throw new IllegalStateException(failure);
            }
        });
        String record = "INSERT INTO " + prefix + "handled (event_id, order_no, incarnation) VALUES (?, ?, ?)";
        MessageBus bus = MessageBus.builder().name("crash-" + incarnation).build();
        Outbox outbox = Outbox.builder(dataSource, bus).tablePrefix(prefix).pollInterval(Duration.ofMillis(50))
                .leaseDuration(Duration.ofSeconds(1)).relayThreads(2)
                .retry(RetryPolicy.of(10).backoff(Duration.ofMillis(10), Duration.ofMillis(200)))
                .durableEnvelopes("crash.recorder", Messages.ORDERS, envelope -> {
                    try (PreparedStatement insert = handlerConnections.get().prepareStatement(record)) {
                        insert.setString(1, envelope.id());
                        insert.setInt(2, envelope.payload().sequence());
                        insert.setInt(3, incarnation);
                        insert.executeUpdate();
                    }
                    Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                })
                .build();
        out.println("READY");
        out.flush();
        if (!publish) {
            while (true) {
                OutboxStats stats = outbox.stats();
                // What the parent shows if the drain never ends (a dead row blocks the rows of its key behind it).
                out.println("STATS " + stats);
                out.flush();
                if (stats.pending() + stats.inFlight() == 0) {
                    outbox.close();
                    out.println("DRAINED");
                    out.flush();
                    System.exit(0);
                }
                Thread.sleep(50);
            }
        }
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        for (int n = first; ; n++) {
            saveOrder(connection, prefix, n);
            String id = outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-" + n, n), "k" + n % 5);
            if (n % 7 == 3) {
                connection.rollback();
                out.println("ROLLBACK " + n + " " + id);
            } else {
                connection.commit();
                outbox.wake();
                out.println("ACK " + n + " " + id);
            }
            out.flush();
        }
    }

    private static void saveOrder(Connection connection, String prefix, int order) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + prefix
                + "orders (id, amount) VALUES (?, 1)")) {
            insert.setString(1, "o-" + order);
            insert.executeUpdate();
        }
    }
}
