package org.busline.kafka;

/**
 * What one inbound route has done so far, a snapshot taken by {@link KafkaBridge#inboundStats()}.
 *
 * @param kafkaTopic     the Kafka topic read
 * @param group          the consumer group
 * @param received       records polled
 * @param handled        records every local subscription finished with
 * @param deadLettered   records produced to the dead-letter topic (undecodable or failed)
 * @param pauses         how many times a partition was paused because it had too many records in flight
 * @param maxInFlight    the most records of one partition in flight at once, ever
 * @param committed      offset commits that succeeded
 */
public record InboundStats(String kafkaTopic, String group, long received, long handled, long deadLettered,
                           long pauses, int maxInFlight, long committed) {
}
