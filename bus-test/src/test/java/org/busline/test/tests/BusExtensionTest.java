package org.busline.test.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.busline.test.BusAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.test.BusExtension;
import org.busline.test.BusRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BusExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BusExtensionTest {
    record Hello(String who) {
    }

    static final List<MessageBus> BUSES = new ArrayList<>();
    private MessageBus fromBeforeEach;

    @BeforeEach
    void wire(MessageBus bus) {
        fromBeforeEach = bus;
        bus.subscribe(Hello.class, hello -> { }, Delivery.sync().name("greeter"));
    }

    @Test
    @Order(1)
    void eachTestGetsABusAndItsRecorder(MessageBus bus, BusRecorder recorder) {
        BUSES.add(bus);
        bus.publish(new Hello("ada"));

        assertThat(bus).isSameAs(fromBeforeEach).isSameAs(recorder.bus());
        assertThat(bus.name()).isEqualTo("eachTestGetsABusAndItsRecorder");
        assertThat(recorder).published(Hello.class).once().handledBy("greeter");
    }

    @Test
    @Order(2)
    void theNextTestGetsAFreshOneAndThePreviousIsClosed(MessageBus bus, BusRecorder recorder) {
        BUSES.add(bus);

        assertThat(BUSES.get(0)).isNotSameAs(bus);
        assertThat(BUSES.get(0).isClosed()).isTrue();
        assertThat(recorder.messages()).isEmpty();
    }

    @AfterAll
    static void everyBusWasClosed() {
        assertThat(BUSES).hasSize(2).allMatch(MessageBus::isClosed);
    }
}
