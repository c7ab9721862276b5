/**
 * Busline over Apache Kafka: the same topics between services.
 *
 * <p>The entry point is {@link org.busline.kafka.KafkaBridge#builder}: add {@link org.busline.kafka.Outbound}
 * routes (local topic to Kafka topic) and {@link org.busline.kafka.Inbound} routes (Kafka topic and consumer group
 * to local topic), then start it. {@link org.busline.kafka.KafkaHeaders} lists what travels in record headers
 * (CloudEvents 1.0 binary mode). The implementation lives in {@code org.busline.kafka.internal}, which is not part
 * of the API.
 */
package org.busline.kafka;
