package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.kafka.Inbound;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.tests.Shop.OrderPlaced;
import org.junit.jupiter.api.Test;

/** A business commit in service A's database reaches service B through the outbox, the Kafka sink and the broker. */
class OutboxToKafkaTest {

    @Test
    void deliversACommittedEventOnceItsRowCompletesAfterTheRelayWasKilledBeforeTheSend() throws Exception {
        String topic = TestBroker.uniqueName("outbox-orders");
        TestBroker.createTopics(2, topic);
        Path directory = Files.createTempDirectory("outbox-kafka");
        String database = directory.resolve("shop").toString();
        List<Envelope<OrderPlaced>> received = new CopyOnWriteArrayList<>();
        try (MessageBus b = MessageBus.builder().name("service-b").build()) {
            b.subscribeEnvelopes(Shop.ORDERS, received::add, Delivery.sync());
            KafkaBridge inbound = KafkaBridge.builder(b, TestBroker.bootstrapServers()).serializer(Shop.serializer())
                    .types(Shop.TYPES).inbound(Inbound.of(Shop.ORDERS, "service-b").from(topic)).start();
            try {
                String id;
                Path firstOutput = ChildProcess.tempFile("outbox-commit");
                try (ChildProcess committer = ChildProcess.startWhen(OutboxRelayChild.class, firstOutput, "COMMITTED",
                        "commit", TestBroker.bootstrapServers(), topic, database)) {
                    Matcher committed = Pattern.compile("COMMITTED (\\S+)").matcher(committer.read());
                    assertThat(committed.find()).isTrue();
                    id = committed.group(1);
                    committer.kill();
                }
                Thread.sleep(1000);
                assertThat(received).as("the relay was off, and the process is gone: nothing was sent").isEmpty();

                try (ChildProcess relay = ChildProcess.start(OutboxRelayChild.class,
                        ChildProcess.tempFile("outbox-relay"), "relay", TestBroker.bootstrapServers(), topic,
                        database)) {
                    Await.until(Duration.ofSeconds(30), () -> !received.isEmpty(), () -> "nothing received");
                    Thread.sleep(500);
                    assertThat(relay.stop()).isZero();
                    assertThat(relay.read()).contains("STATS OutboxStats[pending=0, inFlight=0, dead=0");
                }
                assertThat(received).hasSize(1);
                Envelope<OrderPlaced> event = received.get(0);
                assertThat(event.id()).as("the id the outbox stored").isEqualTo(id);
                assertThat(event.payload()).isEqualTo(new OrderPlaced("o-42", "ada", 1));
            } finally {
                inbound.close();
            }
        }
    }
}
