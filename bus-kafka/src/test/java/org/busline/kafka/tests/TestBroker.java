package org.busline.kafka.tests;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real Kafka broker (KRaft, one combined node) for every test class of the module's test JVM, started on first
 * use and stopped when the JVM exits. Topics get fresh names per test, so tests never see each other's records.
 */
final class TestBroker {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static KafkaClusterTestKit cluster;
    private static Admin admin;

    private TestBroker() {
    }

    /** Returns the bootstrap servers of the shared broker, starting it on the first call (about 6 s). */
    static synchronized String bootstrapServers() {
        if (cluster == null) {
            // The broker halts its JVM on a fatal fault, such as its log directories vanishing while it closes
            // (BrokerLifecycle closes it before the exit for that reason). A halt would end the test JVM with status
            // 1, which surefire reports as a crashed fork after every test passed; what it tried goes to
            // target/broker-exits.log instead.
            org.apache.kafka.common.utils.Exit.setHaltProcedure((status, message) -> recordExit("halt", status,
                    message));
            org.apache.kafka.common.utils.Exit.setExitProcedure((status, message) -> recordExit("exit", status,
                    message));
            try {
                KafkaClusterTestKit started = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
                started.format();
                started.startup();
                started.waitForReadyBrokers();
                cluster = started;
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, started.bootstrapServers()));
                Runtime.getRuntime().addShutdownHook(new Thread(TestBroker::stop, "test-broker-stop"));
            } catch (Exception e) {
                throw new IllegalStateException("the in-JVM Kafka broker did not start: " + e, e);
            }
        }
        return cluster.bootstrapServers();
    }

    /** Returns a topic name never used before in this JVM, starting with {@code prefix}. */
    static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + TOPICS.incrementAndGet();
    }

    /**
     * Creates topics and waits until every partition answers {@code listOffsets}, so an idempotent producer never
     * races the new leader (KAFKA-15591).
     */
    static void createTopics(int partitions, String... names) {
        bootstrapServers();
        try {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, partitions, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            for (String name : names) {
                for (int p = 0; p < partitions; p++) {
                    wanted.put(new TopicPartition(name, p), OffsetSpec.latest());
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    admin.listOffsets(wanted).all().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(50);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + List.of(names) + ": " + e, e);
        }
    }

    /** Returns the committed offsets of a group on one topic, partition by partition (absent: nothing committed). */
    static Map<Integer, Long> committed(String group, String topic) {
        try {
            Map<Integer, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .forEach((partition, offset) -> {
                        if (partition.topic().equals(topic) && offset != null) {
                            offsets.put(partition.partition(), offset.offset());
                        }
                    });
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + group + ": " + e, e);
        }
    }

    /** Reads a topic from its beginning with a plain consumer until {@code count} records came or 30 s passed. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
        return readAll(topic, count, Duration.ofSeconds(30));
    }

    /** Reads a topic from its beginning with a plain consumer until {@code count} records came or time ran out. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count, Duration timeout) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** Produces one record with a plain idempotent producer and waits for the broker's acknowledgement. */
    static void produce(String topic, byte[] key, byte[] value, Header... headers) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings)) {
            producer.send(new ProducerRecord<>(topic, null, key, value, List.of(headers))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic + ": " + e, e);
        }
    }

    /** Returns the end offsets of a topic's partitions. */
    static Map<Integer, Long> endOffsets(String topic, int partitions) {
        try {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                wanted.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(wanted).all().get(10, TimeUnit.SECONDS)
                    .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list offsets of " + topic + ": " + e, e);
        }
    }

    static Set<String> topics() throws Exception {
        return admin.listTopics().names().get(10, TimeUnit.SECONDS);
    }

    /** Runs in a shutdown hook: gives the broker 10 s to stop, so the test JVM always exits in time. */
    private static void stop() {
        Thread stopping = new Thread(TestBroker::close, "test-broker-close");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void recordExit(String what, int status, String message) {
        java.io.StringWriter trace = new java.io.StringWriter();
        new Throwable(what + "(" + status + "): " + message).printStackTrace(new java.io.PrintWriter(trace));
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "broker-exits.log"), trace.toString(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException ignored) {
            // Diagnostics only.
        }
    }

    /** Closes the broker, if it runs: at the end of the test run ({@link BrokerLifecycle}), or at exit. */
    static synchronized void close() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
            if (cluster != null) {
                cluster.close();
            }
        } catch (Exception ignored) {
            // The run is over; the broker's files are in a temporary directory.
        } finally {
            admin = null;
            cluster = null;
        }
    }
}
