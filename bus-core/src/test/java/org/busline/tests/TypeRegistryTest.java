package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.busline.Topic;
import org.busline.spi.SerializationException;
import org.busline.spi.TypeRegistry;
import org.junit.jupiter.api.Test;

class TypeRegistryTest {
    private static final Topic<Basket> BASKETS = Topic.of("shop.baskets", Basket.class);
    private static final Topic<Basket> WISHLISTS = Topic.of("shop.wishlists", Basket.class);

    @Test
    void unregisteredTopicIsWrittenUnderItsOwnNameAtVersionOne() {
        TypeRegistry.Registration<Basket> registration = TypeRegistry.empty().forTopic(BASKETS);

        assertThat(registration.topic()).isEqualTo(BASKETS);
        assertThat(registration.logicalType()).isEqualTo("shop.baskets");
        assertThat(registration.version()).isEqualTo(1);
        assertThat(TypeRegistry.empty().find("shop.baskets")).as("implicit types are not found from the wire")
                .isNull();
    }

    @Test
    void onlyATypeTopicWithoutALogicalNameOfItsOwnGoesOnTheWireUnderItsClassName() {
        Topic<Basket> byType = Topic.of(Basket.class);
        TypeRegistry types = TypeRegistry.builder().register(Topic.of(Integer.class), "shop.count", 1).build();

        assertThat(TypeRegistry.empty().forTopic(byType).namedAfterClass()).isTrue();
        assertThat(TypeRegistry.empty().forTopic(BASKETS).namedAfterClass()).as("a named topic").isFalse();
        assertThat(types.forTopic(Topic.of(Integer.class)).namedAfterClass()).as("registered").isFalse();
    }

    @Test
    void registeredTopicIsFoundByItsLogicalTypeAndByTopic() {
        TypeRegistry types = TypeRegistry.builder().register(BASKETS, "shop.basket", 3).register(WISHLISTS).build();

        assertThat(types.find("shop.basket")).isEqualTo(new TypeRegistry.Registration<>(BASKETS, "shop.basket", 3));
        assertThat(types.forTopic(BASKETS).logicalType()).isEqualTo("shop.basket");
        assertThat(types.find("shop.wishlists").version()).isEqualTo(1);
        assertThat(types.find(Basket.class.getName())).isNull();
    }

    @Test
    void refusesDuplicateTopicsDuplicateTypesAndMalformedNames() {
        TypeRegistry.Builder builder = TypeRegistry.builder().register(BASKETS, "shop.basket", 1);

        assertThatThrownBy(() -> builder.register(BASKETS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic 'shop.baskets' is already registered as shop.basket");
        assertThatThrownBy(() -> builder.register(WISHLISTS, "shop.basket", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logical type 'shop.basket' is already registered for topic 'shop.baskets'");
        assertThatThrownBy(() -> builder.register(WISHLISTS, "shop basket", 1))
                .hasMessageContaining("but was 'shop basket'");
        assertThatThrownBy(() -> builder.register(WISHLISTS, 0)).hasMessage("version must be 1 or more, but was 0");
        assertThatThrownBy(() -> builder.upcaster("shop.basket", 0, data -> data))
                .hasMessage("fromVersion must be 1 or more, but was 0");
    }

    @Test
    void refusesATopicRegisteredWithAnotherType() {
        TypeRegistry types = TypeRegistry.builder().register(BASKETS).build();
        Topic<String> impostor = Topic.of("shop.baskets", String.class);

        assertThatThrownBy(() -> types.forTopic(impostor)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic 'shop.baskets' is registered as");
    }

    @Test
    void buildRefusesUpcastersOfUnknownTypesOrOfTheCurrentVersion() {
        assertThatThrownBy(() -> TypeRegistry.builder().upcaster("shop.basket", 1, data -> data).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logical type 'shop.basket', which is not registered");
        assertThatThrownBy(() -> TypeRegistry.builder().register(BASKETS, 2).upcaster("shop.baskets", 2, d -> d)
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the upcaster from version 2 of 'shop.baskets' must start before its current version 2");
    }

    @Test
    void upcastsFromVersionOneThroughTwoToThree() {
        TypeRegistry types = TypeRegistry.builder()
                .register(BASKETS, "shop.basket", 3)
                .upcaster("shop.basket", 2, data -> {
                    data.put("currency", "EUR");
                    return data;
                })
                .upcaster("shop.basket", 1, data -> Map.of("items", List.of(data.get("item"))))
                .build();
        TypeRegistry.Registration<?> registration = types.find("shop.basket");

        Map<String, Object> fromOne = types.upcast(registration, 1, new HashMap<>(Map.of("item", "apple")));
        Map<String, Object> fromTwo = types.upcast(registration, 2, new HashMap<>(Map.of("items", List.of())));
        Map<String, Object> current = Map.of("items", List.of());

        assertThat(fromOne).isEqualTo(Map.of("items", List.of("apple"), "currency", "EUR"));
        assertThat(fromTwo).isEqualTo(Map.of("items", List.of(), "currency", "EUR"));
        assertThat(types.upcast(registration, 3, current)).isSameAs(current);
    }

    @Test
    void missingOrFailingUpcasterIsASerializationExceptionNamingTheStep() {
        TypeRegistry types = TypeRegistry.builder()
                .register(BASKETS, "shop.basket", 3)
                .upcaster("shop.basket", 2, data -> {
                    throw new IllegalStateException("no currency");
                })
                .build();
        TypeRegistry.Registration<?> registration = types.find("shop.basket");

        assertThatThrownBy(() -> types.upcast(registration, 1, new HashMap<>()))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot decode a message (topic 'shop.baskets', type 'shop.basket', version 1): "
                        + "no upcaster from version 1 to 2 is registered");
        assertThatThrownBy(() -> types.upcast(registration, 2, new HashMap<>()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 2): the upcaster from version 2 to 3 failed: "
                        + "java.lang.IllegalStateException: no currency")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void serializationExceptionNamesWhatIsKnown() {
        SerializationException unknown = SerializationException.decoding(null, null, 0, "not JSON", null);
        SerializationException known = SerializationException.encoding("t", "type", 4, "no writer", null);

        assertThat(unknown).hasMessage("cannot decode a message (topic ?, type ?, version ?): not JSON");
        assertThat(unknown.isDecoding()).isTrue();
        assertThat(known).hasMessage("cannot encode a message (topic 't', type 'type', version 4): no writer");
        assertThat(known.topic()).isEqualTo("t");
        assertThat(known.logicalType()).isEqualTo("type");
        assertThat(known.version()).isEqualTo(4);
        assertThat(known.problem()).isEqualTo("no writer");
    }
}
