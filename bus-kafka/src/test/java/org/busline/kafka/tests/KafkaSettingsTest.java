package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.busline.kafka.internal.KafkaSettings;
import org.junit.jupiter.api.Test;

/** The producer's settings as the bridge builds them, without a broker. */
class KafkaSettingsTest {
    @Test
    void setsTheSafeDefaultsAndCompressedBatchesSizedForRecordsWithCloudEventsHeaders() {
        Map<String, Object> settings = KafkaSettings.producer("localhost:9092", "a", Map.of());

        assertThat(settings).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5")
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 65_536)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    }

    @Test
    void letsAnOverrideOfBatchSizeOrCompressionWinButNeverTheSerializers() {
        Map<String, Object> settings = KafkaSettings.producer("localhost:9092", "a",
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 16_384, ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
                        ProducerConfig.LINGER_MS_CONFIG, 20));

        assertThat(settings).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 16_384)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20)
                .containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }
}
