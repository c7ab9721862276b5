package org.busline.kafka.tests;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.time.Duration;
import org.busline.MessageBus;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.KafkaOutboxSink;
import org.busline.kafka.tests.Shop.OrderPlaced;
import org.busline.outbox.Outbox;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Service A with an outbox on an H2 file and the Kafka sink, in a JVM of its own.
 *
 * <p>Arguments {@code commit|relay bootstrapServers kafkaTopic databaseFile}. {@code commit}: commits one business row
 * and its event with the relay off, prints {@code COMMITTED <event id>} and waits to be killed, so the event is
 * stored and never sent. {@code relay}: runs the relay until "stop" on standard input, then prints the outbox's
 * statistics.
 */
public final class OutboxRelayChild {
    private OutboxRelayChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean relay = args[0].equals("relay");
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + args[3] + ";WRITE_DELAY=0");
        MessageBus bus = MessageBus.builder().name("service-a").build();
        KafkaBridge bridge = KafkaBridge.builder(bus, args[1]).serializer(Shop.serializer()).types(Shop.TYPES).start();
        Outbox outbox = Outbox.builder(dataSource, bus).serializer(Shop.serializer()).types(Shop.TYPES)
                .sink("kafka.orders", KafkaOutboxSink.of(bridge, topic -> args[2]), Shop.ORDERS.name())
                .pollInterval(Duration.ofMillis(200)).relay(relay).build();
        if (!relay) {
            String id = outbox.inTransaction(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(40) PRIMARY KEY)");
                    statement.execute("INSERT INTO orders VALUES ('o-42')");
                }
                return outbox.publish(connection, Shop.ORDERS, new OrderPlaced("o-42", "ada", 1), "o-42");
            });
            System.out.println("COMMITTED " + id);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        System.out.println("READY");
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String command;
            while ((command = in.readLine()) != null && !command.equals("stop")) {
                // wait
            }
        }
        System.out.println("STATS " + outbox.stats());
        outbox.close();
        bridge.close();
        bus.close();
    }
}
