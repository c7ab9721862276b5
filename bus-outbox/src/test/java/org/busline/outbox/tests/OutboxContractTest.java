package org.busline.outbox.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.outbox.DeadEvent;
import org.busline.outbox.Outbox;
import org.busline.outbox.OutboxStats;
import org.busline.outbox.tests.Messages.OrderPlaced;
import org.busline.outbox.tests.Messages.Unencodable;
import org.busline.spi.Interceptor;
import org.busline.spi.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Every behaviour of the outbox, on H2 (file mode), on PostgreSQL and on MariaDB. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"h2", "postgresql", "mariadb"})
class OutboxContractTest {
    static final Duration POLL = Duration.ofMillis(50);

    @Parameter
    String database;

    @TempDir
    Path directory;

    DataSource dataSource;
    String prefix;
    MessageBus bus;
    final List<Outbox> outboxes = new ArrayList<>();

    @BeforeEach
    void openDatabase() throws SQLException {
        dataSource = TestDatabases.of(database, directory);
        prefix = TestDatabases.freshPrefix();
        bus = MessageBus.builder().name("test").build();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + prefix + "orders (id VARCHAR(64) PRIMARY KEY, amount INT)");
        }
    }

    @AfterEach
    void closeAll() {
        outboxes.forEach(Outbox::close);
        bus.close();
        TestDatabases.drop(dataSource, prefix);
    }

    Outbox.Builder builder() {
        return Outbox.builder(dataSource, bus).tablePrefix(prefix).pollInterval(POLL);
    }

    Outbox start(Outbox.Builder builder) {
        Outbox outbox = builder.build();
        outboxes.add(outbox);
        return outbox;
    }

    void saveOrder(Connection connection, String id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + prefix
                + "orders (id, amount) VALUES (?, 1)")) {
            insert.setString(1, id);
            insert.executeUpdate();
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

    @Test
    void deliversACommittedEventToItsDurableSubscription() {
        List<Envelope<OrderPlaced>> received = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder().durableEnvelopes("shipping", Messages.ORDERS, received::add));

        String id = outbox.inTransaction(connection -> {
            saveOrder(connection, "o-1");
            return outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-1", 1), "o-1");
        });

        Await.until("the event is delivered", () -> received.size() == 1);
        assertThat(received.get(0).id()).isEqualTo(id);
        assertThat(received.get(0).payload()).isEqualTo(OrderPlaced.of("o-1", 1));
        assertThat(received.get(0).header(RetryPolicy.ATTEMPT_HEADER)).isEqualTo("1");
        // The relay counts a delivery once its completion committed, a moment after the row reads DONE.
        Await.until("the row is completed and counted", () -> outbox.stats().pending() + outbox.stats().inFlight() == 0
                && outbox.stats().delivered() == 1);
        assertThat(count("SELECT COUNT(*) FROM $outbox WHERE status = 'DONE' AND id = '" + id + "'")).isEqualTo(1);
        assertThat(outbox.stats().delivered()).isEqualTo(1);
    }

    @Test
    void anEventWrittenFromAHandlerKeepsItsCorrelationAndWhatTheBusesInterceptorsStoreWithIt() {
        Interceptor tracing = new Interceptor() {
            @Override
            public <T> Envelope<T> onStore(Envelope<T> envelope) {
                return envelope.withHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            }
        };
        List<Envelope<OrderPlaced>> received = new CopyOnWriteArrayList<>();
        try (MessageBus traced = MessageBus.builder().name("traced").interceptor(tracing).build()) {
            Outbox outbox = start(Outbox.builder(dataSource, traced).tablePrefix(prefix).pollInterval(POLL)
                    .durableEnvelopes("shipping", Messages.ORDERS, received::add));
            Topic<String> checkout = Topic.of("checkout", String.class);
            traced.subscribe(checkout, order -> outbox.inTransaction(connection -> outbox.publish(connection,
                    Messages.ORDERS, OrderPlaced.of(order, 1), order)));
            Envelope<String> command = Envelope.of(checkout, "o-5").withCorrelationId("flow-5");

            traced.publish(command);

            Await.until("the event is delivered", () -> received.size() == 1);
            assertThat(received.get(0).correlationId()).isEqualTo("flow-5");
            assertThat(received.get(0).causationId()).isEqualTo(command.id());
            assertThat(received.get(0).header("traceparent")).isEqualTo(
                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        }
    }

    @Test
    void writesDebeziumCompatibleColumnsWithTheLogicalTypeNeverAClassName() throws SQLException {
        Outbox outbox = start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        String id = outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS,
                OrderPlaced.of("o-9", 9), "o-9", Map.of("traceparent", "00-abc-def-01", "tenant", "eu")));

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, aggregatetype, aggregateid, type, payload, "
                     + "tracingspancontext, status, attempts FROM " + prefix + "outbox")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("id")).isEqualTo(id);
            assertThat(rows.getString("aggregatetype")).isEqualTo("shop.orders.placed");
            assertThat(rows.getString("aggregateid")).isEqualTo("o-9");
            assertThat(rows.getString("type")).isEqualTo("shop.orders.placed");
            assertThat(new String(rows.getBytes("payload"), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("o-9").doesNotContain(OrderPlaced.class.getName());
            assertThat(rows.getString("tracingspancontext")).isEqualTo("00-abc-def-01");
            assertThat(rows.getString("status")).isEqualTo("PENDING");
            assertThat(rows.getInt("attempts")).isZero();
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void aRolledBackEventIsNeverDeliveredNorStored() throws SQLException {
        List<OrderPlaced> received = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder().durable("shipping", Messages.ORDERS, (OrderPlaced order) -> received.add(order)));

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            saveOrder(connection, "o-rolled-back");
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-rolled-back", 1));
            connection.rollback();
        }
        assertThatThrownBy(() -> outbox.inTransaction(connection -> {
            saveOrder(connection, "o-failed");
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-failed", 2));
            throw new IllegalStateException("the business rule says no");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the business rule says no");
        outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-ok", 3)));

        Await.until("the committed event is delivered", () -> received.size() == 1);
        outbox.wake();
        assertThat(received).extracting(OrderPlaced::orderId).containsExactly("o-ok");
        assertThat(count("SELECT COUNT(*) FROM $outbox")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM $orders")).isZero();
    }

    @Test
    void nothingIsVisibleBeforeTheCommit() throws Exception {
        List<OrderPlaced> received = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder().durable("shipping", Messages.ORDERS, (OrderPlaced order) -> received.add(order)));

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            saveOrder(connection, "o-1");
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-1", 1), "o-1");
            outbox.wake();
            Thread.sleep(300);
            assertThat(received).isEmpty();
            assertThat(count("SELECT COUNT(*) FROM $outbox")).isZero();
            connection.commit();
        }
        outbox.wake();
        Await.until("the event is delivered after the commit", () -> received.size() == 1);
        assertThat(count("SELECT COUNT(*) FROM $orders")).isEqualTo(1);
    }

    @Test
    void writesOneRowPerDurableSubscriptionAndSink() {
        List<String> shipping = new CopyOnWriteArrayList<>();
        List<String> billing = new CopyOnWriteArrayList<>();
        List<String> bridged = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder()
                .durable("shipping", Messages.ORDERS, order -> shipping.add(order.orderId()))
                .durable("billing", Messages.ORDERS, order -> billing.add(order.orderId()))
                .sink("bridge", record -> {
                    bridged.add(record.id() + "/" + record.topic() + "/" + record.key() + "/" + record.type());
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }, "shop.>"));

        String id = outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS,
                OrderPlaced.of("o-1", 1), "k"));

        Await.until("all three receive it", () -> shipping.size() == 1 && billing.size() == 1 && bridged.size() == 1);
        assertThat(bridged).containsExactly(id + "/shop.orders.placed/k/shop.orders.placed");
        assertThat(count("SELECT COUNT(*) FROM $outbox WHERE id = '" + id + "'")).isEqualTo(3);
    }

    @Test
    void deliversTheEventsOfOneKeyInTheOrderTheyWereStored() {
        Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        Outbox outbox = start(builder().relayThreads(4).batchSize(20).durable("shipping", Messages.ORDERS, order -> {
            byKey.computeIfAbsent(order.orderId(), key -> Collections.synchronizedList(new ArrayList<>()))
                    .add(order.sequence());
            total.incrementAndGet();
        }));

        int keys = 8;
        int perKey = 25;
        for (int n = 0; n < perKey; n++) {
            int sequence = n;
            outbox.inTransaction(connection -> {
                for (int k = 0; k < keys; k++) {
                    outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("key-" + k, sequence), "key-" + k);
                }
                return null;
            });
        }

        Await.until("every event is delivered", () -> total.get() == keys * perKey);
        assertThat(byKey).hasSize(keys);
        List<Integer> expected = new ArrayList<>();
        for (int n = 0; n < perKey; n++) {
            expected.add(n);
        }
        byKey.forEach((key, sequences) -> assertThat(sequences).as(key).containsExactlyElementsOf(expected));
    }

    @Test
    void retriesAFailedDeliveryWithTheSameIdAndTheNextAttemptNumber() {
        List<String> attempts = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Outbox outbox = start(builder()
                .retry(RetryPolicy.of(5).backoff(Duration.ofMillis(10), Duration.ofMillis(50)))
                .durableEnvelopes("shipping", Messages.ORDERS, envelope -> {
                    attempts.add(envelope.id() + "#" + envelope.header(RetryPolicy.ATTEMPT_HEADER));
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("the warehouse is offline");
                    }
                }));

        String id = outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS,
                OrderPlaced.of("o-1", 1)));

        Await.until("the third attempt succeeds", () -> outbox.stats().delivered() == 1);
        assertThat(attempts).containsExactly(id + "#1", id + "#2", id + "#3");
        assertThat(outbox.stats().failedAttempts()).isEqualTo(2);
        assertThat(outbox.stats().dead()).isZero();
    }

    @Test
    void aPoisonedEventGoesDeadBlocksItsKeyAndLetsOtherKeysFlowUntilResubmitted() {
        List<String> delivered = new CopyOnWriteArrayList<>();
        AtomicInteger poisonCalls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean cured = new java.util.concurrent.atomic.AtomicBoolean();
        Outbox outbox = start(builder()
                .retry(RetryPolicy.of(3).backoff(Duration.ofMillis(5), Duration.ofMillis(20)))
                .durable("shipping", Messages.ORDERS, order -> {
                    if (order.poison() && !cured.get()) {
                        poisonCalls.incrementAndGet();
                        throw new IllegalArgumentException("cannot ship " + order.orderId());
                    }
                    delivered.add(order.orderId() + ":" + order.sequence());
                }));

        outbox.inTransaction(connection -> {
            outbox.publish(connection, Messages.ORDERS, new OrderPlaced("a", 1, true), "a");
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("a", 2), "a");
            for (int n = 1; n <= 5; n++) {
                outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("b", n), "b");
            }
            return null;
        });

        Await.until("the poisoned event is dead", () -> outbox.stats().dead() == 1);
        Await.until("the other key flows", () -> delivered.size() == 5);
        assertThat(delivered).containsExactly("b:1", "b:2", "b:3", "b:4", "b:5");
        assertThat(poisonCalls).hasValue(3);
        OutboxStats stats = outbox.stats();
        assertThat(stats.pending()).as("a:2 waits behind its dead head").isEqualTo(1);
        assertThat(stats.deadLettered()).isEqualTo(1);

        List<DeadEvent> dead = outbox.deadEvents(10);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo("a");
        assertThat(dead.get(0).sink()).isEqualTo("shipping");
        assertThat(dead.get(0).attempts()).isEqualTo(3);
        assertThat(dead.get(0).lastErrorType()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(dead.get(0).lastErrorMessage()).isEqualTo("cannot ship a");

        cured.set(true);
        assertThat(outbox.resubmit(dead.get(0))).isTrue();
        assertThat(outbox.resubmit(dead.get(0))).as("no longer dead").isFalse();
        Await.until("the key flows again, in order", () -> delivered.size() == 7);
        assertThat(delivered.subList(5, 7)).containsExactly("a:1", "a:2");
        Await.until("nothing is left", () -> {
            OutboxStats now = outbox.stats();
            return now.pending() + now.inFlight() + now.dead() == 0;
        });
    }

    @Test
    void skippingDeadRowsLetsTheLaterEventsOfTheKeyThrough() {
        List<String> delivered = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder().skipDeadRows(true)
                .retry(RetryPolicy.of(1))
                .durable("shipping", Messages.ORDERS, order -> {
                    if (order.poison()) {
                        throw new IllegalArgumentException("poison");
                    }
                    delivered.add(order.orderId() + ":" + order.sequence());
                }));

        outbox.inTransaction(connection -> {
            outbox.publish(connection, Messages.ORDERS, new OrderPlaced("a", 1, true), "a");
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("a", 2), "a");
            return null;
        });

        Await.until("the later event passes its dead head", () -> delivered.size() == 1);
        assertThat(delivered).containsExactly("a:2");
        assertThat(outbox.stats().dead()).isEqualTo(1);
    }

    @Test
    void anUnencodablePayloadFailsThePublishInsideTheCallersTransaction() throws SQLException {
        Outbox outbox = start(builder().relay(false).durable("broken", Messages.BROKEN, message -> { }));

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            saveOrder(connection, "o-1");
            SerializationException failure = catchThrowableOfType(SerializationException.class,
                    () -> outbox.publish(connection, Messages.BROKEN, new Unencodable()));
            assertThat(failure.getMessage()).contains("shop.broken");
            assertThat(failure.topic()).isEqualTo("shop.broken");
            assertThat(failure.logicalType()).isEqualTo("shop.broken");
            connection.rollback();
        }
        assertThat(count("SELECT COUNT(*) FROM $outbox")).isZero();
        assertThat(count("SELECT COUNT(*) FROM $orders")).isZero();
    }

    @Test
    void refusesAPublishInAutoCommitModeOrOfATopicNobodyReceives() throws SQLException {
        Outbox outbox = start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            assertThatThrownBy(() -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> outbox.publish(connection, Messages.BROKEN, new Unencodable()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shop.broken")
                    .hasMessageContaining("would be lost");
            connection.rollback();
        }
    }

    @Test
    void aDeliveryThatOutlastsItsLeaseIsNotClaimedAgainByItsOwnRelayAndCompletes() {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Outbox outbox = start(builder().leaseDuration(Duration.ofMillis(200)).relayThreads(2)
                .durable("slow", Messages.ORDERS, order -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    calls.add(order.orderId());
                    Thread.sleep(order.orderId().equals("o-1") ? 700 : 10);
                    running.decrementAndGet();
                }));

        outbox.inTransaction(connection -> {
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-1", 1), "k");
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-2", 2), "k");
            return null;
        });

        Await.until("both events are delivered", () -> outbox.stats().delivered() == 2);
        assertThat(calls).containsExactly("o-1", "o-2");
        assertThat(mostAtOnce).hasValue(1);
        assertThat(count("SELECT COUNT(*) FROM $outbox WHERE status = 'DONE'")).isEqualTo(2);
        assertThat(outbox.stats().fencedCompletions()).isZero();
    }

    @Test
    void refusesValuesLongerThanTheirColumnsNamingThemBeforeTheInsert() throws SQLException {
        Topic<OrderPlaced> longTopic = Topic.of("shop." + "x".repeat(300), OrderPlaced.class);
        Outbox outbox = start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { })
                .durable("long", longTopic, order -> { }));

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1),
                    "k".repeat(256))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("key must have at most 255 characters, but had 256 for topic 'shop.orders.placed'");
            assertThatThrownBy(() -> outbox.publish(connection, longTopic, OrderPlaced.of("o", 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the topic's name must have at most 255 characters, but had 305");
            assertThatThrownBy(() -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1), "o",
                    Map.of("traceparent", "0".repeat(600)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("header traceparent must have at most 512 characters");
            assertThatThrownBy(() -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1), "o",
                    Map.of("big", "v".repeat(70_000)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the encoded headers must have at most 65535 characters");
            connection.rollback();
        }
        assertThat(count("SELECT COUNT(*) FROM $outbox")).isZero();
    }

    @Test
    void aMissingTableIsAClearErrorAtBuildTime() {
        assertThatThrownBy(() -> builder().createSchema(false).durable("shipping", Messages.ORDERS, order -> { })
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(prefix + "outbox_schema").hasMessageContaining("does not exist")
                .hasMessageContaining("createSchema(true)");
    }

    @Test
    void aDataSourceThatCannotConnectIsAClearErrorAtBuildTime() {
        DataSource broken = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("toString")) {
                        return "BrokenDataSource";
                    }
                    throw new SQLException("connection refused");
                });
        assertThatThrownBy(() -> Outbox.builder(broken, bus).durable("shipping", Messages.ORDERS, order -> { })
                .build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot connect")
                .hasMessageContaining("connection refused");
    }

    @Test
    void createsTheSchemaOnceAndRecordsItsVersion() {
        start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        start(builder().relay(false).createSchema(false).durable("shipping", Messages.ORDERS, order -> { }));
        assertThat(count("SELECT version FROM $outbox_schema WHERE id = 1")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM $outbox_schema")).isEqualTo(1);
    }

    @Test
    void refusesASchemaNewerThanItKnows() throws SQLException {
        start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE " + prefix + "outbox_schema SET version = 99");
        }
        assertThatThrownBy(() -> builder().durable("shipping", Messages.ORDERS, order -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("version 99")
                .hasMessageContaining("newer");
    }

    @Test
    void aSinkRowCompletesOnlyWhenTheSinkAcknowledges() {
        List<java.util.concurrent.CompletableFuture<Void>> acks = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder().retry(RetryPolicy.of(3).backoff(Duration.ofMillis(5), Duration.ofMillis(5)))
                .sink("bridge", record -> {
                    java.util.concurrent.CompletableFuture<Void> ack = new java.util.concurrent.CompletableFuture<>();
                    acks.add(ack);
                    return ack;
                }, Messages.ORDERS.name()));

        outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1)));
        Await.until("the sink received it", () -> acks.size() == 1);
        assertThat(outbox.stats().inFlight()).isEqualTo(1);
        assertThat(outbox.stats().delivered()).isZero();

        acks.get(0).completeExceptionally(new java.io.IOException("broker unavailable"));
        Await.until("the sink receives it again", () -> acks.size() == 2);
        assertThat(outbox.stats().failedAttempts()).isEqualTo(1);
        assertThat(outbox.stats().delivered()).isZero();

        acks.get(1).complete(null);
        Await.until("the row is completed", () -> outbox.stats().delivered() == 1);
        assertThat(outbox.stats().inFlight() + outbox.stats().pending()).isZero();
    }

    @Test
    void aSinkThatNeverAcknowledgesFailsTheAttemptAtTheDeliveryTimeout() {
        AtomicInteger calls = new AtomicInteger();
        Outbox outbox = start(builder().deliveryTimeout(Duration.ofMillis(100)).retry(RetryPolicy.of(2)
                        .backoff(Duration.ZERO, Duration.ZERO))
                .sink("bridge", record -> {
                    calls.incrementAndGet();
                    return new java.util.concurrent.CompletableFuture<Void>();
                }, Messages.ORDERS.name()));

        outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1)));

        Await.until("both attempts time out and the row is dead", () -> outbox.stats().dead() == 1);
        assertThat(calls).hasValue(2);
        assertThat(outbox.deadEvents(1).get(0).lastErrorType())
                .isEqualTo(java.util.concurrent.TimeoutException.class.getName());
    }

    @Test
    void aCompletionAfterTheLeaseRanOutAndAnotherRelaysClaimIsFencedAndCounted() throws Exception {
        java.util.concurrent.CountDownLatch firstStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> deliveries = new CopyOnWriteArrayList<>();
        Outbox first = start(builder().leaseDuration(Duration.ofMillis(200))
                .durableEnvelopes("shipping", Messages.ORDERS, envelope -> {
                    deliveries.add(envelope.id());
                    firstStarted.countDown();
                    release.await();
                }));

        String id = first.inTransaction(connection -> first.publish(connection, Messages.ORDERS,
                OrderPlaced.of("o", 1), "o"));
        firstStarted.await();
        // A second relay of the table takes the row over once the first one's lease ran out.
        Outbox second = start(builder().leaseDuration(Duration.ofMillis(200))
                .durableEnvelopes("shipping", Messages.ORDERS, envelope -> deliveries.add(envelope.id())));
        Await.until("the other relay claimed the row again after its lease ran out and completed", () ->
                second.stats().delivered() == 1);
        release.countDown();
        Await.until("the late completion is fenced", () -> first.stats().fencedCompletions() == 1);

        assertThat(deliveries).containsExactly(id, id);
        assertThat(first.stats().delivered()).isZero();
        assertThat(count("SELECT COUNT(*) FROM $outbox WHERE status = 'DONE'")).isEqualTo(1);
        assertThat(count("SELECT attempts FROM $outbox")).isEqualTo(2);
    }

    @Test
    void aSubscriptionThatComesBackUnderTheSameNameReceivesWhatItHadNotCompleted() {
        Outbox publisher = start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            int sequence = n;
            ids.add(publisher.inTransaction(connection -> publisher.publish(connection, Messages.ORDERS,
                    OrderPlaced.of("o-" + sequence, sequence))));
        }
        assertThat(publisher.stats().pending()).isEqualTo(10);
        publisher.close();

        List<String> received = new CopyOnWriteArrayList<>();
        start(builder().durableEnvelopes("shipping", Messages.ORDERS, envelope -> received.add(envelope.id())));

        Await.until("the backlog is delivered", () -> received.size() == 10);
        assertThat(received).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void deletesCompletedRowsAfterTheRetentionInBatches() {
        AtomicInteger received = new AtomicInteger();
        Outbox outbox = start(builder().retention(Duration.ofMillis(1)).cleanupBatchSize(3)
                .durable("shipping", Messages.ORDERS, order -> received.incrementAndGet()));

        outbox.inTransaction(connection -> {
            for (int n = 0; n < 10; n++) {
                outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", n));
            }
            return null;
        });

        Await.until("every event is delivered", () -> received.get() == 10);
        Await.until("every completed row is deleted", () -> count("SELECT COUNT(*) FROM $outbox") == 0);
    }

    @Test
    void withoutRetentionCompletesByDeletingTheRow() {
        AtomicInteger received = new AtomicInteger();
        Outbox outbox = start(builder().retention(Duration.ZERO)
                .durable("shipping", Messages.ORDERS, order -> received.incrementAndGet()));
        outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1)));
        Await.until("the event is delivered and its row gone", () -> received.get() == 1
                && outbox.stats().delivered() == 1);
        assertThat(count("SELECT COUNT(*) FROM $outbox")).isZero();
    }

    @Test
    void aTransactionalHandlerWritesExactlyOnceWithItsInboxRow() {
        AtomicInteger calls = new AtomicInteger();
        Outbox outbox = start(builder().retry(RetryPolicy.of(3).backoff(Duration.ZERO, Duration.ZERO))
                .durableInTransaction("billing", Messages.ORDERS, (connection, envelope) -> {
                    saveOrder(connection, "bill-" + envelope.payload().orderId());
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("fails after its write: rolled back");
                    }
                }));

        String id = outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS,
                OrderPlaced.of("o-1", 1)));

        Await.until("the second attempt commits", () -> outbox.stats().delivered() == 1);
        assertThat(calls).hasValue(2);
        assertThat(count("SELECT COUNT(*) FROM $orders WHERE id = 'bill-o-1'")).isEqualTo(1);
        assertThat(outbox.inbox().isHandled("billing", id)).isTrue();
    }

    @Test
    void theInboxRecordsAMessageOncePerConsumer() throws SQLException {
        Outbox outbox = start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            assertThat(outbox.inbox().markHandled(connection, "billing", "m-1")).isTrue();
            assertThat(outbox.inbox().markHandled(connection, "billing", "m-1")).isFalse();
            assertThat(outbox.inbox().markHandled(connection, "shipping", "m-1")).isTrue();
            saveOrder(connection, "still-usable");
            connection.commit();
        }
        assertThat(outbox.inbox().isHandled("billing", "m-1")).isTrue();
        assertThat(outbox.inbox().isHandled("billing", "m-2")).isFalse();
        assertThat(count("SELECT COUNT(*) FROM $orders")).isEqualTo(1);
    }

    @Test
    void statsCountPendingRowsAndTheAgeOfTheOldest() throws Exception {
        Outbox outbox = start(builder().relay(false).durable("shipping", Messages.ORDERS, order -> { }));
        assertThat(outbox.stats().oldestPendingAge()).isEqualTo(Duration.ZERO);
        outbox.inTransaction(connection -> {
            outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 1));
            return outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o", 2));
        });
        Thread.sleep(50);
        OutboxStats stats = outbox.stats();
        assertThat(stats.pending()).isEqualTo(2);
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.dead()).isZero();
        assertThat(stats.oldestPendingAge()).isGreaterThanOrEqualTo(Duration.ofMillis(50))
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aTransactionBindingLetsAFrameworkPublishInItsTransaction() throws SQLException {
        ThreadLocal<Connection> current = new ThreadLocal<>();
        List<Runnable> afterCommit = new ArrayList<>();
        List<OrderPlaced> received = new CopyOnWriteArrayList<>();
        Outbox outbox = start(builder().pollInterval(Duration.ofMinutes(1))
                .transactions(new org.busline.outbox.TransactionBinding() {
                    @Override
                    public Connection currentConnection() {
                        Connection connection = current.get();
                        if (connection == null) {
                            throw new IllegalStateException("no transaction");
                        }
                        return connection;
                    }

                    @Override
                    public void afterCommit(Runnable action) {
                        afterCommit.add(action);
                    }
                })
                .durable("shipping", Messages.ORDERS, (OrderPlaced order) -> received.add(order)));

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            current.set(connection);
            outbox.publish(Messages.ORDERS, OrderPlaced.of("o-1", 1));
            connection.commit();
            current.remove();
        }
        assertThat(afterCommit).hasSize(1);
        afterCommit.forEach(Runnable::run);
        Await.until("the wake after the commit delivers it without waiting for the poll", Duration.ofSeconds(10),
                () -> received.size() == 1);
        assertThatThrownBy(() -> outbox.publish(Messages.ORDERS, OrderPlaced.of("o-2", 2)))
                .isInstanceOf(IllegalStateException.class).hasMessage("no transaction");
    }

    @Test
    void relaysCommittedEventsToTheBusForItsOrdinarySubscribers() {
        List<OrderPlaced> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Messages.ORDERS, received::add);
        Outbox outbox = start(builder().relayToBus("bus.orders", Messages.ORDERS));

        outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS, OrderPlaced.of("o-1", 1)));

        Await.until("the bus subscriber receives it", () -> received.size() == 1);
        assertThat(received).containsExactly(OrderPlaced.of("o-1", 1));
    }

    @Test
    void refusesPublishingAfterClose() {
        Outbox outbox = start(builder().durable("shipping", Messages.ORDERS, order -> { }));
        outbox.close();
        assertThatThrownBy(() -> outbox.inTransaction(connection -> outbox.publish(connection, Messages.ORDERS,
                OrderPlaced.of("o", 1)))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close()");
    }
}
