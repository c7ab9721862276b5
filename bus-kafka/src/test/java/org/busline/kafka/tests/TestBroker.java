package org.busline.kafka.tests;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
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
            List<NewTopic> topics = new java.util.ArrayList<>();
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

    static Set<String> topics() throws Exception {
        return admin.listTopics().names().get(10, TimeUnit.SECONDS);
    }

    private static synchronized void stop() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
            if (cluster != null) {
                cluster.close();
            }
        } catch (Exception ignored) {
            // The JVM is exiting; the broker's files are in a temporary directory.
        }
    }
}
