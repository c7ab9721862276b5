package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.PublishResult;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotencyTest {
    record Shipment(int number) {
    }

    private static final Topic<Shipment> SHIPMENTS = Topic.of(Shipment.class);

    private final Harness harness = new Harness();
    private final List<Integer> handled = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        harness.close();
    }

    private static Envelope<Shipment> shipment(int number) {
        return Envelope.of(SHIPMENTS, new Shipment(number));
    }

    @Test
    void handlesARedeliveredMessageOnce() {
        harness.bus.subscribe(SHIPMENTS, shipment -> handled.add(shipment.number()), Delivery.sync().idempotent(16));
        Envelope<Shipment> envelope = shipment(1);

        harness.bus.publish(envelope);
        PublishResult duplicate = harness.bus.publish(envelope);
        harness.bus.publish(shipment(1));

        assertThat(handled).as("the second copy has a new id").containsExactly(1, 1);
        assertThat(duplicate.completion()).as("a skipped duplicate counts as handled").isCompleted();
        assertThat(harness.deadLetters).isEmpty();
    }

    @Test
    void skipsDuplicatesOfAnAsynchronousSubscription() {
        harness.bus.subscribe(SHIPMENTS, shipment -> handled.add(shipment.number()), Delivery.async().idempotent(16));
        Envelope<Shipment> envelope = shipment(1);

        harness.bus.publish(envelope);
        harness.bus.publish(envelope);
        harness.bus.publish(shipment(2));
        harness.runAll();
        harness.bus.publish(envelope);
        harness.runAll();

        assertThat(handled).containsExactly(1, 2);
    }

    @Test
    void remembersOnlyTheLatestIdsOfItsWindow() {
        harness.bus.subscribe(SHIPMENTS, shipment -> handled.add(shipment.number()), Delivery.sync().idempotent(2));
        Envelope<Shipment> first = shipment(1);
        Envelope<Shipment> second = shipment(2);
        Envelope<Shipment> third = shipment(3);

        harness.bus.publish(first);
        harness.bus.publish(second);
        harness.bus.publish(third);
        harness.bus.publish(first);
        harness.bus.publish(third);

        assertThat(handled).as("1 had left the window; 3 had not").containsExactly(1, 2, 3, 1);
    }

    @Test
    void handlesAgainAMessageWhoseDeliveryWasDeadLettered() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(SHIPMENTS, shipment -> {
            attempts.add(shipment.number());
            if (attempts.size() == 1) {
                throw new IllegalStateException("warehouse offline");
            }
        }, Delivery.sync().idempotent(16));
        Envelope<Shipment> envelope = shipment(5);

        harness.bus.publish(envelope);
        harness.bus.publish(harness.deadLetters.get(0).envelope());

        assertThat(attempts).containsExactly(5, 5);
        assertThat(harness.deadLetters).hasSize(1);
    }

    @Test
    void refusesAnEmptyWindow() {
        assertThatThrownBy(() -> Delivery.sync().idempotent(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be positive, but was 0");
    }
}
