package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.kafka.Inbound;
import org.busline.kafka.InboundStats;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.KafkaHeaders;
import org.busline.kafka.Outbound;
import org.busline.kafka.tests.Shop.OrderPlaced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two buses in one JVM talking through the real broker: what the bridge promises on the way out and in. */
class BridgeTest {
    private static final ExecutorService POOL = Executors.newCachedThreadPool();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    private <C extends AutoCloseable> C closeLater(C closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private MessageBus bus(String name) {
        return closeLater(MessageBus.builder().name(name).build());
    }

    private KafkaBridge.Builder bridge(MessageBus bus) {
        return KafkaBridge.builder(bus, TestBroker.bootstrapServers()).serializer(Shop.serializer()).types(Shop.TYPES);
    }

    @Test
    void carriesEventsToAnotherBusInKeyOrderWithTheirIdsAndCorrelation() {
        String topic = TestBroker.uniqueName("orders");
        TestBroker.createTopics(3, topic);
        MessageBus a = bus("service-a");
        MessageBus b = bus("service-b");
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::customer)).start());
        Map<String, List<Envelope<OrderPlaced>>> byCustomer = new ConcurrentHashMap<>();
        AtomicInteger received = new AtomicInteger();
        b.subscribeEnvelopes(Shop.ORDERS, envelope -> {
            byCustomer.computeIfAbsent(envelope.payload().customer(), c -> new CopyOnWriteArrayList<>()).add(envelope);
            received.incrementAndGet();
        }, Delivery.sync().name("b-orders"));
        closeLater(bridge(b).inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic).lanes(3)).start());

        int perCustomer = 300;
        List<String> customers = List.of("ada", "bob", "cy", "dee", "eve");
        Map<String, Envelope<OrderPlaced>> sent = new HashMap<>();
        for (int seq = 0; seq < perCustomer; seq++) {
            for (String customer : customers) {
                Envelope<OrderPlaced> envelope = Envelope.of(Shop.ORDERS, new OrderPlaced(customer + "-" + seq,
                        customer, seq)).withCorrelationId("flow-" + customer).withHeader("tenant", "eu-1");
                sent.put(envelope.id(), envelope);
                a.publish(envelope);
            }
        }

        Await.until(Duration.ofSeconds(30), () -> received.get() >= perCustomer * customers.size(),
                () -> received.get() + " of " + perCustomer * customers.size() + " received");
        assertThat(received.get()).isEqualTo(perCustomer * customers.size());
        for (String customer : customers) {
            List<Envelope<OrderPlaced>> got = byCustomer.get(customer);
            assertThat(got).extracting(e -> e.payload().seq()).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, perCustomer).boxed().toList());
            for (Envelope<OrderPlaced> envelope : got) {
                Envelope<OrderPlaced> original = sent.get(envelope.id());
                assertThat(original).as("an envelope with the id that was published").isNotNull();
                assertThat(envelope.correlationId()).isEqualTo("flow-" + customer);
                assertThat(envelope.header("tenant")).isEqualTo("eu-1");
                assertThat(envelope.payload()).isEqualTo(original.payload());
                assertThat(envelope.timestamp()).isNotNull();
            }
        }
    }

    @Test
    void writesTheCloudEventsBinaryBindingWithTheLogicalTypeName() {
        String topic = TestBroker.uniqueName("ce");
        TestBroker.createTopics(1, topic);
        MessageBus a = bus("service-a");
        closeLater(bridge(a).source("/shop/orders")
                .outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::orderId)).start());
        List<Envelope<?>> caused = new CopyOnWriteArrayList<>();
        a.subscribeEnvelopes(Shop.PAYMENTS, caused::add, Delivery.sync());
        a.subscribe(Shop.PAYMENTS, payment -> a.publish(Envelope.of(Shop.ORDERS,
                new OrderPlaced(payment.orderId(), "ada", 1)).withHeader("traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
        a.publish(Envelope.of(Shop.PAYMENTS, new Shop.PaymentTaken("o-7", 100)).withCorrelationId("corr-7"));

        List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readAll(topic, 1);
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("o-7");
        assertThat(header(record, KafkaHeaders.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(header(record, KafkaHeaders.TYPE)).isEqualTo("shop.order-placed");
        assertThat(header(record, KafkaHeaders.TYPE_VERSION)).isEqualTo("2");
        assertThat(header(record, KafkaHeaders.SOURCE)).isEqualTo("/shop/orders");
        assertThat(header(record, KafkaHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(header(record, KafkaHeaders.CORRELATION_ID)).isEqualTo("corr-7");
        assertThat(header(record, KafkaHeaders.CAUSATION_ID)).isEqualTo(caused.get(0).id());
        assertThat(header(record, KafkaHeaders.TRACEPARENT))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(header(record, KafkaHeaders.TIME)).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(header(record, KafkaHeaders.ID)).isNotBlank();
        // Binary content mode: the value is the event's data alone, the attributes are the headers.
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"orderId\":\"o-7\",\"customer\":\"ada\",\"seq\":1,\"note\":\"\"}");
    }

    @Test
    void refusesSettingsThatWouldBreakDurabilityOrOrder() {
        MessageBus a = bus("service-a");
        KafkaBridge.Builder builder = bridge(a);
        assertThatThrownBy(() -> builder.producerProperty("acks", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks=1 is refused");
        assertThatThrownBy(() -> builder.producerProperty("enable.idempotence", false))
                .hasMessageContaining("enable.idempotence=false is refused").hasMessageContaining("per-key order");
        assertThatThrownBy(() -> builder.producerProperty("max.in.flight.requests.per.connection", 6))
                .hasMessageContaining("max.in.flight.requests.per.connection=6 is refused");
        assertThatThrownBy(() -> builder.producerProperty("partitioner.ignore.keys", "true"))
                .hasMessageContaining("per-key order");
        assertThatThrownBy(() -> builder.producerProperty("partitioner.class",
                org.apache.kafka.clients.producer.RoundRobinPartitioner.class))
                .hasMessageContaining("round-robin").hasMessageContaining("per-key order");
        assertThatThrownBy(() -> builder.producerProperty("partitioner.class",
                "org.apache.kafka.clients.producer.RoundRobinPartitioner")).hasMessageContaining("per-key order");
        assertThatThrownBy(() -> builder.producerProperty("retries", 0)).hasMessageContaining("retries=0");
        assertThatThrownBy(() -> builder.consumerProperty("enable.auto.commit", "true"))
                .hasMessageContaining("enable.auto.commit=true is refused");
        assertThatThrownBy(() -> builder.consumerProperty("group.id", "x")).hasMessageContaining("Inbound.of");
        assertThatThrownBy(() -> Outbound.of(Shop.ORDERS).to("bad topic"))
                .hasMessageContaining("legal Kafka topic name").hasMessageContaining("'bad topic'");
        assertThatThrownBy(() -> Inbound.of(Shop.ORDERS, " ")).hasMessageContaining("group must not be blank");
        assertThatThrownBy(() -> builder.outbound(Outbound.of(OrderPlaced.class)))
                .hasMessageContaining("needs a Kafka topic").hasMessageContaining("Outbound.to(...)")
                .hasMessageContaining("Shop$OrderPlaced");
        builder.outbound(Outbound.of(OrderPlaced.class).to("orders.by-type"));
        builder.producerProperty("acks", "all").producerProperty("linger.ms", 1);
    }

    @Test
    void sendsAnUndecodableRecordToTheDeadLetterTopicWhileItsPartitionFlows() {
        String topic = TestBroker.uniqueName("poison");
        TestBroker.createTopics(1, topic, topic + ".dlt");
        MessageBus a = bus("service-a");
        MessageBus b = bus("service-b");
        KafkaBridge out = closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic).key(o -> "k")).start());
        List<Integer> handled = new CopyOnWriteArrayList<>();
        b.subscribe(Shop.ORDERS, order -> handled.add(order.seq()));
        KafkaBridge in = closeLater(bridge(b).inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic)).start());

        a.publish(Shop.ORDERS, new OrderPlaced("o-1", "ada", 1));
        Await.until(Duration.ofSeconds(20), () -> handled.size() == 1, () -> "handled " + handled);
        TestBroker.produce(topic, "k".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8),
                new RecordHeader("x-origin", "legacy".getBytes(StandardCharsets.UTF_8)));
        for (int seq = 2; seq <= 50; seq++) {
            a.publish(Shop.ORDERS, new OrderPlaced("o-" + seq, "ada", seq));
        }

        Await.until(Duration.ofSeconds(20), () -> handled.size() == 50, () -> "handled " + handled.size());
        assertThat(handled).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
        List<ConsumerRecord<byte[], byte[]>> dead = TestBroker.readAll(topic + ".dlt", 1);
        assertThat(dead).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = dead.get(0);
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("k");
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(letter, "x-origin")).isEqualTo("legacy");
        assertThat(header(letter, KafkaHeaders.DLT_REASON)).isEqualTo("UNDECODABLE");
        assertThat(header(letter, KafkaHeaders.DLT_ERROR)).isEqualTo("org.busline.spi.SerializationException");
        assertThat(header(letter, KafkaHeaders.DLT_ERROR_MESSAGE)).contains("cannot decode");
        assertThat(header(letter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
        assertThat(header(letter, KafkaHeaders.DLT_ORIGINAL_PARTITION)).isEqualTo("0");
        assertThat(header(letter, KafkaHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo("1");
        assertThat(header(letter, KafkaHeaders.DLT_GROUP)).isEqualTo("service-b");
        Await.until(Duration.ofSeconds(10), () -> Long.valueOf(51).equals(TestBroker.committed("service-b", topic)
                .get(0)), () -> "committed " + TestBroker.committed("service-b", topic));
        assertThat(in.inboundStats().get(0).deadLettered()).isEqualTo(1);
        assertThat(out.failedSends()).isZero();
    }

    @Test
    void retriesAFailingSubscriberAsItsPolicySaysThenDeadLettersTheRecord() {
        String topic = TestBroker.uniqueName("failing");
        TestBroker.createTopics(1, topic, topic + ".dlt");
        MessageBus a = bus("service-a");
        MessageBus b = bus("service-b");
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::orderId)).start());
        AtomicInteger attemptsOfBad = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        b.subscribe(Shop.ORDERS, order -> {
            if (order.orderId().equals("bad")) {
                attemptsOfBad.incrementAndGet();
                throw new IllegalStateException("payment service says no to " + order.orderId());
            }
            handled.add(order.orderId());
        }, Delivery.async(POOL).retry(RetryPolicy.of(3).backoff(Duration.ofMillis(5), Duration.ofMillis(20)))
                .name("payments"));
        closeLater(bridge(b).inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic)).start());

        a.publish(Shop.ORDERS, new OrderPlaced("good-1", "ada", 1));
        a.publish(Shop.ORDERS, new OrderPlaced("bad", "ada", 2));
        a.publish(Shop.ORDERS, new OrderPlaced("good-2", "ada", 3));

        List<ConsumerRecord<byte[], byte[]>> dead = TestBroker.readAll(topic + ".dlt", 1);
        assertThat(dead).hasSize(1);
        assertThat(attemptsOfBad.get()).isEqualTo(3);
        assertThat(header(dead.get(0), KafkaHeaders.DLT_REASON)).isEqualTo("FAILED");
        assertThat(header(dead.get(0), KafkaHeaders.DLT_ERROR)).isEqualTo("java.lang.IllegalStateException");
        assertThat(header(dead.get(0), KafkaHeaders.DLT_ERROR_MESSAGE)).isEqualTo("payment service says no to bad");
        assertThat(header(dead.get(0), KafkaHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo("1");
        Await.until(Duration.ofSeconds(10), () -> handled.size() == 2, () -> "handled " + handled);
        assertThat(handled).containsExactlyInAnyOrder("good-1", "good-2");   // different keys: no order between them
        Await.until(Duration.ofSeconds(10), () -> Long.valueOf(3).equals(TestBroker.committed("service-b", topic)
                .get(0)), () -> "committed " + TestBroker.committed("service-b", topic));
    }

    @Test
    void pausesAPartitionForASlowSubscriberAndLosesNothing() {
        String topic = TestBroker.uniqueName("slow");
        TestBroker.createTopics(1, topic);
        MessageBus a = bus("service-a");
        MessageBus b = bus("service-b");
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::orderId)).start());
        int count = 3000;
        String padding = "x".repeat(2000);
        for (int seq = 0; seq < count; seq++) {
            a.publish(Shop.ORDERS, new OrderPlaced("o-" + seq, "ada", seq, padding));
        }
        AtomicInteger handled = new AtomicInteger();
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        b.subscribe(Shop.ORDERS, order -> {
            seen.put(order.orderId(), true);
            handled.incrementAndGet();
            Thread.sleep(1);
        }, Delivery.async(POOL).capacity(16).name("slow"));
        int maxInFlight = 100;
        int maxPollRecords = 50;
        KafkaBridge in = closeLater(bridge(b).consumerProperty("max.poll.records", maxPollRecords)
                .inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic).maxInFlightPerPartition(maxInFlight))
                .start());

        // The bridge counts a record handled when its delivery completes, just after the handler returns.
        Await.until(Duration.ofSeconds(60), () -> in.inboundStats().get(0).handled() >= count,
                () -> handled.get() + " handled, " + in.inboundStats().get(0).handled() + " completed");
        InboundStats stats = in.inboundStats().get(0);
        assertThat(handled).hasValue(count);
        assertThat(seen).hasSize(count);
        assertThat(stats.pauses()).as("the partition was paused").isPositive();
        assertThat(stats.maxInFlight()).as("records held at once").isLessThanOrEqualTo(maxInFlight + maxPollRecords);
        assertThat(stats.handled()).isEqualTo(count);
    }

    @Test
    void reportsASendTheBrokerRefusesAsADeadLetterOnTheBus() {
        String topic = TestBroker.uniqueName("refused");
        TestBroker.createTopics(1, topic);
        MessageBus a = bus("service-a");
        KafkaBridge out = closeLater(bridge(a).producerProperty("max.request.size", 2048)
                .outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::orderId)).start());
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        a.subscribe(DeadLetter.class, letters::add);

        a.publish(Shop.ORDERS, new OrderPlaced("big", "ada", 1, "x".repeat(10_000)));

        Await.until(Duration.ofSeconds(10), () -> !letters.isEmpty(), () -> "no dead letter");
        DeadLetter letter = letters.get(0);
        assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
        assertThat(letter.subscriber()).isEqualTo("kafka-outbound:" + topic);
        assertThat(letter.cause()).isInstanceOf(RecordTooLargeException.class);
        assertThat(((OrderPlaced) letter.envelope().payload()).orderId()).isEqualTo("big");
        assertThat(out.failedSends()).isEqualTo(1);
    }

    @Test
    void doesNotEchoARecordBackToTheTopicItCameFrom() {
        String topic = TestBroker.uniqueName("echo");
        TestBroker.createTopics(1, topic);
        MessageBus a = bus("service-a");
        MessageBus b = bus("service-b");
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic)).start());
        List<String> got = new CopyOnWriteArrayList<>();
        b.subscribe(Shop.ORDERS, order -> got.add(order.orderId()));
        closeLater(bridge(b).outbound(Outbound.of(Shop.ORDERS).to(topic))
                .inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic)).start());

        a.publish(Shop.ORDERS, new OrderPlaced("o-1", "ada", 1));
        b.publish(Shop.ORDERS, new OrderPlaced("o-2", "bob", 2));

        Await.until(Duration.ofSeconds(20), () -> got.size() >= 3, () -> "got " + got);
        assertThat(TestBroker.readAll(topic, 3, Duration.ofSeconds(2))).hasSize(2);
        assertThat(got).containsExactlyInAnyOrder("o-1", "o-2", "o-2");
    }

    @Test
    void carriesEveryEventOfManyPublisherThreadsExactlyOnceWhenNothingCrashes() throws Exception {
        String topic = TestBroker.uniqueName("stress");
        TestBroker.createTopics(6, topic);
        MessageBus a = bus("service-a");
        MessageBus b = bus("service-b");
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::customer)).start());
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Map<String, List<Integer>> seqsByCustomer = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        b.subscribe(Shop.ORDERS, order -> {
            seen.computeIfAbsent(order.orderId(), id -> new AtomicInteger()).incrementAndGet();
            seqsByCustomer.computeIfAbsent(order.customer(), c -> Collections.synchronizedList(new ArrayList<>()))
                    .add(order.seq());
            total.incrementAndGet();
        }, Delivery.async(POOL).concurrency(1).name("counter"));
        KafkaBridge in = closeLater(bridge(b).inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic).lanes(4))
                .start());

        int threads = 4;
        int perThread = 2500;
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            publishers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    // each thread has its own customers, so each customer's sequence has one publisher and one order
                    String customer = "t" + thread + "-c" + (i % 10);
                    a.publish(Shop.ORDERS, new OrderPlaced("t" + thread + "-" + i, customer, i));
                }
            }));
        }
        publishers.forEach(Thread::start);
        for (Thread publisher : publishers) {
            publisher.join();
        }

        int expected = threads * perThread;
        Await.until(Duration.ofSeconds(60), () -> total.get() >= expected, () -> total.get() + " of " + expected);
        Thread.sleep(300);
        assertThat(total.get()).isEqualTo(expected);
        assertThat(seen).hasSize(expected);
        assertThat(seen.values()).allMatch(count -> count.get() == 1);
        for (List<Integer> seqs : seqsByCustomer.values()) {
            assertThat(seqs).isSorted();
        }
        Await.until(Duration.ofSeconds(10), () -> TestBroker.committed("service-b", topic).values().stream()
                .mapToLong(Long::longValue).sum() == expected, () -> "committed " + TestBroker.committed("service-b",
                topic));
        assertThat(in.inboundStats().get(0).handled()).isEqualTo(expected);
    }

    @Test
    void closeWaitsForTheDeliveriesInFlightAndCommitsExactlyWhatWasHandled() {
        String topic = TestBroker.uniqueName("close");
        TestBroker.createTopics(1, topic);
        MessageBus a = bus("service-a");
        // one key: one lane, so what is handled is always a prefix of the partition
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic).key(OrderPlaced::customer)).start());
        for (int seq = 0; seq < 500; seq++) {
            a.publish(Shop.ORDERS, new OrderPlaced("o-" + seq, "ada", seq));
        }
        MessageBus b = bus("service-b");
        AtomicInteger handled = new AtomicInteger();
        b.subscribe(Shop.ORDERS, order -> {
            Thread.sleep(5);
            handled.incrementAndGet();
        }, Delivery.async(POOL).capacity(64).name("slow"));
        KafkaBridge in = bridge(b).inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic)).start();
        Await.until(Duration.ofSeconds(30), () -> handled.get() >= 50, () -> handled.get() + " handled");

        int handledBeforeClose = handled.get();
        in.close();
        int handledAfterClose = handled.get();

        assertThat(handledAfterClose).as("some were still waiting when it closed").isLessThan(500);
        long committed = TestBroker.committed("service-b", topic).getOrDefault(0, 0L);
        assertThat(committed).as("what was handled before close is committed: close waited for the deliveries in "
                + "flight").isGreaterThanOrEqualTo(handledBeforeClose);
        assertThat(committed).as("nothing committed ahead of handling").isLessThanOrEqualTo(handledAfterClose);
        assertThat(handledAfterClose - handledBeforeClose).as("the deliveries in flight (up to the mailbox's 64 "
                + "and the records being published) were finished, not abandoned").isPositive();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aStartThatFailsLeavesNoRouteProducerOrConsumerRunning() {
        String out = TestBroker.uniqueName("zombie-out");
        String in = TestBroker.uniqueName("zombie-in");
        String requests = TestBroker.uniqueName("zombie-quotes");
        TestBroker.createTopics(1, out, in, requests);
        MessageBus a = bus("zombie");
        String group = TestBroker.uniqueName("zombie-group");

        assertThatThrownBy(() -> bridge(a).outbound(Outbound.of(Shop.ORDERS).to(out))
                .inbound(Inbound.of(Shop.PAYMENTS, group).from(in))
                .replyTopic(TestBroker.uniqueName("zombie-missing-replies"))
                .requests(org.busline.kafka.RequestRoute.of(Shop.QUOTES, Shop.Price.class).to(requests)).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");

        assertThat(a.subscriptions()).noneMatch(info -> info.name().startsWith("kafka-outbound"));
        a.publish(Shop.ORDERS, new OrderPlaced("o-zombie", "ada", 1));
        assertThat(TestBroker.readAll(out, 1, Duration.ofSeconds(2))).as("nothing goes out").isEmpty();
        Await.until(Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().contains(group)), () -> "the inbound poll thread still runs");
    }

    /** A supertype with its subtypes named, as a contract of a hierarchy declares them. */
    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
            property = "kind")
    @com.fasterxml.jackson.annotation.JsonSubTypes(@com.fasterxml.jackson.annotation.JsonSubTypes.Type(
            value = Dog.class, name = "dog"))
    sealed interface Animal permits Dog {
    }

    record Dog(String name) implements Animal {
    }

    @Test
    void aSubtypesMessageOnTheRouteOfItsSupertypeTravelsUnderTheRoutesLogicalType() {
        org.busline.Topic<Animal> animals = org.busline.Topic.of(Animal.class);
        org.busline.spi.TypeRegistry zoo = org.busline.spi.TypeRegistry.builder().register(animals, "zoo.animal", 1)
                .build();
        String topic = TestBroker.uniqueName("animals");
        TestBroker.createTopics(1, topic);
        MessageBus a = bus("zoo-a");
        MessageBus b = bus("zoo-b");
        List<Animal> received = new CopyOnWriteArrayList<>();
        b.subscribe(animals, received::add);
        closeLater(KafkaBridge.builder(a, TestBroker.bootstrapServers()).types(zoo)
                .serializer(org.busline.jackson.JacksonSerializer.create(zoo))
                .outbound(Outbound.of(Animal.class).to(topic)).start());
        closeLater(KafkaBridge.builder(b, TestBroker.bootstrapServers()).types(zoo)
                .serializer(org.busline.jackson.JacksonSerializer.create(zoo))
                .inbound(Inbound.of(animals, TestBroker.uniqueName("zoo")).from(topic)).start());

        a.publish(new Dog("rex"));

        Await.until(Duration.ofSeconds(20), () -> received.size() == 1, () -> "the dog did not arrive");
        assertThat(received).containsExactly(new Dog("rex"));
        assertThat(header(TestBroker.readAll(topic, 1).get(0), KafkaHeaders.TYPE)).isEqualTo("zoo.animal");
    }

    @Test
    void recordsThatACloseBusDropsStayUncommittedAndAreNotDeadLettered() throws Exception {
        String topic = TestBroker.uniqueName("closing");
        TestBroker.createTopics(1, topic, topic + ".dlt");
        MessageBus a = bus("closing-a");
        closeLater(bridge(a).outbound(Outbound.of(Shop.ORDERS).to(topic)).start());
        for (int i = 0; i < 60; i++) {
            a.publish(Shop.ORDERS, new OrderPlaced("o-" + i, "ada", i));
        }
        ExecutorService slow = Executors.newSingleThreadExecutor();
        MessageBus b = MessageBus.builder().name("closing-b").drainTimeout(Duration.ZERO).build();
        AtomicInteger handled = new AtomicInteger();
        b.subscribe(Shop.ORDERS, order -> {
            Thread.sleep(20);
            handled.incrementAndGet();
        }, Delivery.async(slow).capacity(100).name("slow"));
        String group = TestBroker.uniqueName("closing");
        KafkaBridge in = bridge(b).inbound(Inbound.of(Shop.ORDERS, group).from(topic)).start();
        Await.until(Duration.ofSeconds(20), () -> handled.get() >= 3, () -> handled.get() + " handled");

        b.close();   // the wrong order: the bus before its bridge
        in.close();
        slow.shutdownNow();

        long committed = TestBroker.committed(group, topic).getOrDefault(0, 0L);
        assertThat(committed).as("never ahead of what was handled").isLessThanOrEqualTo(handled.get());
        assertThat(TestBroker.readAll(topic + ".dlt", 1, Duration.ofSeconds(2)))
                .as("a record the closed bus dropped is no poison").isEmpty();
    }
}
