package org.busline.kafka.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The bridge's producer and consumer settings: safe defaults set explicitly, and the user's overrides checked one by
 * one, so that no override can silently weaken durability or per-key order.
 *
 * <p>Design note: the check runs when an override is given (the builder's method fails at once, quoting the value),
 * and the defaults are put under the overrides, so an override of an unrelated setting ({@code linger.ms},
 * {@code compression.type}, security) passes through unchanged.
 */
public final class KafkaSettings {
    /**
     * The producer's {@code batch.size}, four times Kafka's 16 KB: the CloudEvents headers of the binary binding
     * (about 180 bytes a record) double the size of a small event, so a 16 KB batch would hold half as many records
     * as the same events without them, and the broker's and clients' cost per batch and per request, which dominates
     * at small records, would double. Under light load it changes nothing: a batch still leaves after
     * {@code linger.ms}, full or not.
     */
    public static final int BATCH_SIZE = 65_536;

    /**
     * The producer's {@code compression.type}. The binary binding repeats the same header names, and mostly the same
     * values, in every record; LZ4 removes that repetition from the wire for little CPU, and a compressed batch spares
     * the broker from parsing each record's headers when it appends the batch (it skips over them instead). Measured
     * in {@code KafkaBridgeBenchmark}, the bridge carried a quarter more events per second with it. Every Kafka
     * client reads it; {@code compression.type=none} turns it off.
     */
    public static final String COMPRESSION = "lz4";

    private KafkaSettings() {
    }

    /**
     * Checks one producer override.
     *
     * @param key   the setting
     * @param value its value
     * @throws IllegalArgumentException if it would break durability or per-key order, or the bridge owns it
     */
    public static void checkProducer(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of producer property " + key);
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case ProducerConfig.ACKS_CONFIG -> {
                if (!text.equals("all") && !text.equals("-1")) {
                    throw refused("producer", key, value, "a record acknowledged by the leader alone is lost with "
                            + "it; the bridge produces with acks=all");
                }
            }
            case ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG -> {
                if (!text.equals("true")) {
                    throw refused("producer", key, value, "without idempotence a retried batch can be written twice "
                            + "or overtake the one before it, breaking per-key order");
                }
            }
            case ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION -> {
                int inFlight = integer("producer", key, value);
                if (inFlight < 1 || inFlight > 5) {
                    throw refused("producer", key, value, "idempotent producers keep per-key order with 1 to 5 "
                            + "requests in flight");
                }
            }
            case ProducerConfig.RETRIES_CONFIG -> {
                if (integer("producer", key, value) < 1) {
                    throw refused("producer", key, value, "without retries a transient broker error loses the "
                            + "record; bound the time spent with delivery.timeout.ms instead");
                }
            }
            case ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG -> {
                if (text.equals("true")) {
                    throw refused("producer", key, value, "records of one key would be spread over partitions, "
                            + "breaking per-key order");
                }
            }
            case ProducerConfig.PARTITIONER_CLASS_CONFIG -> {
                String name = value instanceof Class<?> type ? type.getName() : value.toString().trim();
                if (name.equals(RoundRobinPartitioner.class.getName())) {
                    throw refused("producer", key, value, "a round-robin partitioner spreads the records of one "
                            + "key over partitions, breaking per-key order; a partitioner of your own must send each "
                            + "key to one partition");
                }
            }
            case ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG ->
                    throw refused("producer", key, value, "the bridge writes keys and values as bytes through the "
                            + "bus's Serializer; choose it with KafkaBridge.Builder.serializer");
            case ProducerConfig.TRANSACTIONAL_ID_CONFIG ->
                    throw refused("producer", key, value, "the bridge's producer is not transactional; use the "
                            + "outbox for atomic publication");
            default -> {
                // Any other setting (linger.ms, batch.size, compression.type, security...) passes through.
            }
        }
    }

    /**
     * Checks one consumer override.
     *
     * @param key   the setting
     * @param value its value
     * @throws IllegalArgumentException if it would commit before handling, or the bridge owns it
     */
    public static void checkConsumer(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of consumer property " + key);
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG -> {
                if (!text.equals("false")) {
                    throw refused("consumer", key, value, "auto-commit would commit offsets of records the local "
                            + "subscribers have not handled yet; the bridge commits them once they are");
                }
            }
            case ConsumerConfig.GROUP_ID_CONFIG ->
                    throw refused("consumer", key, value, "each Inbound names its own group: Inbound.of(topic, "
                            + "group)");
            case ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG ->
                    throw refused("consumer", key, value, "the bridge reads keys and values as bytes through the "
                            + "bus's Serializer");
            default -> {
                // Any other setting passes through.
            }
        }
    }

    /**
     * Returns the producer's settings: the safe defaults, then the checked overrides.
     *
     * @param bootstrapServers the brokers
     * @param clientId         the client id
     * @param overrides        checked overrides
     * @return a new map
     */
    public static Map<String, Object> producer(String bootstrapServers, String clientId,
                                               Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        settings.putAll(overrides);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return settings;
    }

    /**
     * Returns a consumer's settings: the safe defaults, then the checked overrides.
     *
     * @param bootstrapServers the brokers
     * @param clientId         the client id
     * @param group            the consumer group
     * @param overrides        checked overrides
     * @return a new map
     */
    public static Map<String, Object> consumer(String bootstrapServers, String clientId, String group,
                                               Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.putAll(overrides);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return settings;
    }

    /**
     * Returns the settings of a reply listener: no group, no commits, bytes.
     *
     * @param bootstrapServers the brokers
     * @param clientId         the client id
     * @param overrides        checked consumer overrides
     * @return a new map
     */
    public static Map<String, Object> replyConsumer(String bootstrapServers, String clientId,
                                                    Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(overrides);
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return settings;
    }

    private static int integer(String client, String key, Object value) {
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(client + " property " + key + " must be an integer, but was '"
                    + value + "'", e);
        }
    }

    private static IllegalArgumentException refused(String client, String key, Object value, String why) {
        return new IllegalArgumentException(client + " property " + key + "=" + value + " is refused: " + why);
    }
}
