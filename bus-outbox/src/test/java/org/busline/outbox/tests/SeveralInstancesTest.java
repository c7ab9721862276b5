package org.busline.outbox.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.busline.MessageBus;
import org.busline.outbox.Outbox;
import org.busline.outbox.OutboxStats;
import org.busline.outbox.tests.Messages.OrderPlaced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Four outbox relays on one table, four worker threads each, leases shorter than some deliveries: every row is
 * completed exactly once, first deliveries keep the order of each key, and the late completions of the relays whose
 * leases ran out are fenced and counted. On PostgreSQL, as separate instances of an application would share it; on H2,
 * as four outboxes of one process would.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"postgresql", "h2", "mariadb"})
class SeveralInstancesTest {
    static final int RELAYS = 4;
    static final int PUBLISHERS = 4;
    static final int KEYS = 40;
    static final int EVENTS = 800;

    @Parameter
    String database;

    @TempDir
    java.nio.file.Path directory;

    DataSource dataSource;
    String prefix;
    MessageBus bus;
    final List<Outbox> relays = new ArrayList<>();

    record Delivery(long stamp, String id, String key, int sequence, int relay) {
    }

    @BeforeEach
    void openDatabase() {
        dataSource = TestDatabases.of(database, directory);
        prefix = TestDatabases.freshPrefix();
        bus = MessageBus.builder().name("several").build();
    }

    @AfterEach
    void closeAll() {
        relays.forEach(Outbox::close);
        bus.close();
        TestDatabases.drop(dataSource, prefix);
    }

    @Test
    void fourRelaysCompleteEveryRowExactlyOnceInPerKeyOrderAndCountTheirFencedCompletions() throws Exception {
        AtomicLong clock = new AtomicLong();
        ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        for (int r = 0; r < RELAYS; r++) {
            int relay = r;
            relays.add(Outbox.builder(dataSource, bus).tablePrefix(prefix).owner("relay-" + r)
                    .relayThreads(4).batchSize(50).leaseDuration(Duration.ofMillis(300))
                    .pollInterval(Duration.ofMillis(20))
                    .durableEnvelopes("inventory.reservations", Messages.ORDERS, envelope -> {
                        deliveries.add(new Delivery(clock.incrementAndGet(), envelope.id(),
                                envelope.payload().orderId(), envelope.payload().sequence(), relay));
                        int dice = ThreadLocalRandom.current().nextInt(100);
                        Thread.sleep(dice < 2 ? 450 : dice % 3);
                    })
                    .build());
        }
        Outbox publisher = relays.get(0);
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        List<Future<?>> published = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int thread = p;
            published.add(publishers.submit(() -> {
                // Each key belongs to one publishing thread, so the transactions of one key never overlap.
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    for (int n = thread; n < EVENTS; n += PUBLISHERS) {
                        String key = "key-" + (n % KEYS);
                        publisher.publish(connection, Messages.ORDERS, OrderPlaced.of(key, n), key);
                        connection.commit();
                        publisher.wake();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : published) {
            future.get();
        }
        publishers.shutdown();
        long publishedAt = System.nanoTime();

        Await.until("every row is completed", Duration.ofSeconds(90),
                () -> count("SELECT COUNT(*) FROM $outbox WHERE completed_at IS NULL") == 0);
        long drainedAt = System.nanoTime();
        Thread.sleep(600);

        long completed = relays.stream().mapToLong(outbox -> outbox.stats().delivered()).sum();
        long fenced = relays.stream().mapToLong(outbox -> outbox.stats().fencedCompletions()).sum();
        Map<String, List<Delivery>> byId = deliveries.stream().collect(Collectors.groupingBy(Delivery::id));
        long duplicates = deliveries.size() - byId.size();
        long relaysThatDelivered = deliveries.stream().map(Delivery::relay).distinct().count();
        System.out.printf("SeveralInstancesTest[" + database + "]: %d events, %d deliveries (%d duplicates), %d completions, %d fenced "
                + "completions, %d relays delivered; drained %d ms after the last publish%n", EVENTS,
                deliveries.size(), duplicates, completed, fenced, relaysThatDelivered,
                (drainedAt - publishedAt) / 1_000_000);

        assertThat(count("SELECT COUNT(*) FROM $outbox")).isEqualTo(EVENTS);
        assertThat(count("SELECT COUNT(*) FROM $outbox WHERE status = 'DONE'")).isEqualTo(EVENTS);
        assertThat(byId).as("every event delivered").hasSize(EVENTS);
        assertThat(completed).as("successful completions, one per row").isEqualTo(EVENTS);
        assertThat(fenced).as("late completions of expired leases were fenced").isPositive();
        assertThat(duplicates).as("each fenced completion belongs to a duplicate delivery")
                .isGreaterThanOrEqualTo(fenced);
        assertThat(relaysThatDelivered).isEqualTo(RELAYS);

        Map<String, List<Delivery>> firstByKey = new ConcurrentHashMap<>();
        byId.values().stream().map(list -> list.stream().min(Comparator.comparingLong(Delivery::stamp)).get())
                .forEach(first -> firstByKey.computeIfAbsent(first.key(), key -> new ArrayList<>()).add(first));
        firstByKey.forEach((key, firsts) -> {
            firsts.sort(Comparator.comparingLong(Delivery::stamp));
            List<Integer> sequences = firsts.stream().map(Delivery::sequence).collect(Collectors.toList());
            assertThat(sequences).as("first deliveries of " + key).isSorted();
        });
        for (Outbox relay : relays) {
            OutboxStats stats = relay.stats();
            assertThat(stats.pending() + stats.inFlight() + stats.dead()).isZero();
        }
    }

    long count(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql.replace("$", prefix))) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException failure) {
            throw new IllegalStateException(failure);
        }
    }
}
