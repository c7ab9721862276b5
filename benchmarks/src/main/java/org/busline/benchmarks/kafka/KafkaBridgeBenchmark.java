package org.busline.benchmarks.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.kafka.Inbound;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.Outbound;
import org.busline.kafka.internal.KafkaSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * End-to-end throughput through a real broker in the JVM (KRaft, one combined node): events per second from a
 * publisher to a handler, in batches of {@value #BATCH}.
 *
 * <ul>
 *   <li>{@code plain}: what an application does with the plain clients: a {@code KafkaProducer} sends
 *       {@value #BATCH} events, each written as JSON by a plain Jackson {@code ObjectMapper} (about 200 bytes); a
 *       {@code KafkaConsumer} on its own thread reads each back into an {@code Event}, counts it and commits after
 *       each poll; the batch ends when all were counted. No envelope, no headers: the floor.</li>
 *   <li>{@code plainWithHeaders}: the same, each record also carrying the seven headers a Busline record of a
 *       message published outside any handler carries (the CloudEvents binary binding's attributes, same sizes),
 *       which the consumer reads back by name: what the binding costs the clients and the broker by itself.</li>
 *   <li>{@code busline}: bus A publishes {@value #BATCH} events of the same size; its {@link KafkaBridge} produces
 *       them (encoded by bus-jackson, with the CloudEvents headers); bus B's bridge consumes them, restores each
 *       envelope and publishes it to a synchronous handler that counts it; the bridge commits what was handled.</li>
 * </ul>
 * The plain clients get exactly the bridge's settings ({@link KafkaSettings}: {@code acks=all},
 * {@code enable.idempotence=true}, {@code batch.size=65536}, {@code compression.type=lz4},
 * {@code enable.auto.commit=false}), and all use {@code linger.ms=5}, 3 partitions, keys spread over 64 values, and
 * consumers in the same JVM. The broker starts in the trial's set-up, so only a run of this benchmark pays for it.
 * Every client keeps getting faster for about a minute, so a steady figure takes
 * {@code java -jar benchmarks/target/benchmarks.jar KafkaBridgeBenchmark -f 2 -wi 20 -w 3 -i 8 -r 3 -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KafkaBridgeBenchmark {
    static final int BATCH = 2000;
    static final int PARTITIONS = 3;
    static final Topic<Event> EVENTS = Topic.of("bench.events", Event.class);
    static final String PAYLOAD = "p".repeat(160);
    static final String[] KEYS = new String[64];
    static final byte[][] KEY_BYTES = new byte[64][];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = "key-" + i;
            KEY_BYTES[i] = KEYS[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * What travels.
     *
     * @param key     its key
     * @param seq     its number
     * @param payload about 160 characters
     */
    public record Event(String key, long seq, String payload) {
    }

    /** The broker, started for the trial of whichever method runs; each method's own state adds its clients. */
    @State(Scope.Benchmark)
    public static class Broker {
        KafkaClusterTestKit cluster;
        String servers;

        @Setup(Level.Trial)
        public void start() throws Exception {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                    .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            servers = cluster.bootstrapServers();
            createTopics(servers, "bench.plain", "bench.headers", "bench.busline");
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            cluster.close();
        }
    }

    /** A plain producer and a plain consumer thread, with Jackson for the events. */
    @State(Scope.Benchmark)
    public static class Plain {
        /** The Kafka topic, and whether records carry the CloudEvents headers. */
        String kafkaTopic = "bench.plain";
        boolean withHeaders;
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        final Arrivals received = new Arrivals();
        KafkaProducer<byte[], byte[]> producer;
        Thread consumerThread;
        volatile boolean running = true;
        long sent;

        @Setup(Level.Trial)
        public void start(Broker broker) {
            // The bridge's own settings, so the pair differs from the bridge in nothing but the bridge.
            producer = new KafkaProducer<>(KafkaSettings.producer(broker.servers, "bench-plain",
                    Map.of(ProducerConfig.LINGER_MS_CONFIG, 5)));
            Map<String, Object> consumerSettings = KafkaSettings.consumer(broker.servers, "bench-plain-consumer",
                    "bench-" + kafkaTopic, Map.of());
            consumerThread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings)) {
                    consumer.subscribe(List.of(kafkaTopic));
                    while (running) {
                        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                        if (!records.isEmpty()) {
                            for (var record : records) {
                                if (withHeaders && !readHeaders(record.headers())) {
                                    throw new IllegalStateException("a record lost its headers");
                                }
                                try {
                                    if (json.readValue(record.value(), Event.class).seq() >= 0) {
                                        received.arrived();
                                    }
                                } catch (java.io.IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                            consumer.commitAsync();
                        }
                    }
                }
            }, "bench-plain-consumer");
            consumerThread.setDaemon(true);
            consumerThread.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            running = false;
            consumerThread.join(10_000);
            producer.close();
        }
    }

    /** The same plain clients, each record with the headers of a CloudEvent in the binary binding. */
    @State(Scope.Benchmark)
    public static class PlainWithHeaders extends Plain {
        /** The headers' topic; the set-up and tear-down are Plain's. */
        public PlainWithHeaders() {
            kafkaTopic = "bench.headers";
            withHeaders = true;
        }
    }

    private static final String[] HEADER_NAMES = {"ce_specversion", "ce_id", "ce_source", "ce_type",
        "ce_typeversion", "ce_time", "content-type"};
    private static final byte[][] HEADER_VALUES = {utf8("1.0"), utf8("3f2a9c4e-5b1d-4e8f-9a7c-2d6b8e0f1a3c"),
        utf8("/bench-a"), utf8("bench.events"), utf8("1"), utf8("2026-12-02T01:02:03.456Z"),
        utf8("application/json")};

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static org.apache.kafka.common.header.Headers headers() {
        List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(HEADER_NAMES.length);
        for (int i = 0; i < HEADER_NAMES.length; i++) {
            headers.add(new org.apache.kafka.common.header.internals.RecordHeader(HEADER_NAMES[i],
                    HEADER_VALUES[i]));
        }
        return new org.apache.kafka.common.header.internals.RecordHeaders(headers);
    }

    /** Reads each header by name, as a consumer of CloudEvents does; false if one is missing. */
    private static boolean readHeaders(org.apache.kafka.common.header.Headers headers) {
        for (String name : HEADER_NAMES) {
            if (headers.lastHeader(name) == null) {
                return false;
            }
        }
        return true;
    }

    /** Bus A with an outbound route, bus B with an inbound route and a counting handler. */
    @State(Scope.Benchmark)
    public static class Busline {
        final Arrivals received = new Arrivals();
        MessageBus busA;
        MessageBus busB;
        KafkaBridge bridgeA;
        KafkaBridge bridgeB;
        long sent;

        @Setup(Level.Trial)
        public void start(Broker broker) {
            JacksonSerializer serializer = JacksonSerializer.create();
            busA = MessageBus.builder().name("bench-a").build();
            busB = MessageBus.builder().name("bench-b").build();
            busB.subscribe(EVENTS, event -> received.arrived(), Delivery.sync().name("count"));
            bridgeA = KafkaBridge.builder(busA, broker.servers).serializer(serializer).producerProperty("linger.ms", 5)
                    .outbound(Outbound.of(EVENTS).to("bench.busline").key(Event::key)).start();
            bridgeB = KafkaBridge.builder(busB, broker.servers).serializer(serializer)
                    .inbound(Inbound.of(EVENTS, "bench-busline").from("bench.busline")).start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            bridgeA.close();
            bridgeB.close();
            busA.close();
            busB.close();
        }
    }

    /**
     * Counts the events handled and wakes the benchmark thread when the last of a batch has arrived, so that waiting
     * takes no core from the clients (polling every 20 us woke the thread 50,000 times a second, on two cores).
     */
    static final class Arrivals {
        private final AtomicLong count = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;
        private volatile Thread waiter;

        /** Counts one event; on the handling thread. */
        void arrived() {
            if (count.incrementAndGet() >= target) {
                LockSupport.unpark(waiter);
            }
        }

        /** Waits until {@code expected} events arrived, at most 60 s; returns the count. */
        long await(long expected) {
            waiter = Thread.currentThread();
            target = expected;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long seen;
            while ((seen = count.get()) < expected) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("only " + seen + " of " + expected
                            + " records arrived within 60 s");
                }
                LockSupport.parkNanos(this, left);
            }
            target = Long.MAX_VALUE;
            return seen;
        }
    }

    private static void createTopics(String servers, String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            List<NewTopic> topics = new ArrayList<>();
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (String name : names) {
                topics.add(new NewTopic(name, PARTITIONS, (short) 1));
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.put(new TopicPartition(name, p), OffsetSpec.latest());
                }
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.listOffsets(partitions).all().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(50);
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long plain(Plain plain) throws Exception {
        for (int i = 0; i < BATCH; i++) {
            byte[] value = plain.json.writeValueAsBytes(new Event(KEYS[i & 63], i, PAYLOAD));
            plain.producer.send(new ProducerRecord<>("bench.plain", KEY_BYTES[i & 63], value));
        }
        plain.sent += BATCH;
        return plain.received.await(plain.sent);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long plainWithHeaders(PlainWithHeaders plain) throws Exception {
        for (int i = 0; i < BATCH; i++) {
            byte[] value = plain.json.writeValueAsBytes(new Event(KEYS[i & 63], i, PAYLOAD));
            plain.producer.send(new ProducerRecord<>("bench.headers", null, null, KEY_BYTES[i & 63], value,
                    headers()));
        }
        plain.sent += BATCH;
        return plain.received.await(plain.sent);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long busline(Busline busline) {
        for (int i = 0; i < BATCH; i++) {
            busline.busA.publish(EVENTS, new Event(KEYS[i & 63], i, PAYLOAD));
        }
        busline.sent += BATCH;
        return busline.received.await(busline.sent);
    }

}
