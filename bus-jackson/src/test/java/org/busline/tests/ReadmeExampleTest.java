package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.Serializer;
import org.busline.spi.TypeRegistry;
import org.junit.jupiter.api.Test;

/** The examples of bus-jackson/README.md, kept compiling and running. */
class ReadmeExampleTest {
    record OrderPlaced(String orderId, List<String> skus) {
    }

    static final Topic<OrderPlaced> ORDERS = Topic.of("orders.placed", OrderPlaced.class);

    @Test
    void isolatedDeliveryWithTheSerializerFoundOnTheClassPath() {
        List<OrderPlaced> audited = new CopyOnWriteArrayList<>();
        // readme: isolated
        TypeRegistry types = TypeRegistry.builder()
                .register(ORDERS, "shop.order-placed", 1)     // the name on the wire, never a class name
                .build();
        try (MessageBus bus = MessageBus.builder().types(types).build()) {   // bus-jackson found by ServiceLoader
            bus.subscribe(ORDERS, order -> order.skus().clear(), Delivery.sync().isolated());
            bus.subscribe(ORDERS, audited::add);
            OrderPlaced order = new OrderPlaced("o-1", new ArrayList<>(List.of("sku-1")));
            bus.publish(ORDERS, order);
            assert order.skus().equals(List.of("sku-1"));   // the isolated subscriber cleared its own copy
        }
        // end
        assertThat(audited).singleElement().extracting(OrderPlaced::skus).isEqualTo(List.of("sku-1"));
    }

    @Test
    void encodeAndDecode() {
        // readme: encode
        Serializer json = JacksonSerializer.create(TypeRegistry.builder()
                .register(ORDERS, "shop.order-placed", 1).build());
        byte[] bytes = json.encode(Envelope.of(ORDERS, new OrderPlaced("o-1", List.of("sku-1"))));
        Envelope<?> back = json.decode(bytes);      // the topic and Java type come from "type", via the registry
        // end
        assertThat(back.payload()).isEqualTo(new OrderPlaced("o-1", List.of("sku-1")));
    }
}
