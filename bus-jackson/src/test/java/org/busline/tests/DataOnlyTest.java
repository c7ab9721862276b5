package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.SerializationException;
import org.busline.spi.TypeRegistry;
import org.busline.tests.Messages.Customer;
import org.junit.jupiter.api.Test;

/** The payload alone, as the data of a CloudEvents binary-mode message: written, read back, upcast and refused. */
class DataOnlyTest {
    private final JacksonSerializer serializer = JacksonSerializer.create(TypeRegistry.builder()
            .register(UpcastingTest.CUSTOMERS, UpcastingTest.TYPE, 3)
            .upcaster(UpcastingTest.TYPE, 1, UpcastingTest.SPLIT_NAME)
            .upcaster(UpcastingTest.TYPE, 2, UpcastingTest.ADD_EMAIL)
            .build());
    private final Topic<Customer> customers = UpcastingTest.CUSTOMERS;

    @Test
    void writesThePayloadAloneAndReadsItBack() {
        Customer ada = new Customer("Ada", "Lovelace", "ada@example.com");
        byte[] data = serializer.encodeData(Envelope.restore("m-1", customers, ada, null, "flow", null,
                Map.of("tenant", "acme")));

        assertThat(new String(data, StandardCharsets.UTF_8))
                .isEqualTo("{\"first\":\"Ada\",\"last\":\"Lovelace\",\"email\":\"ada@example.com\"}");
        assertThat(serializer.decodeData(data, customers, 3)).isEqualTo(ada);
    }

    @Test
    void upcastsDataOfAnOlderVersion() {
        assertThat(serializer.decodeData(bytes("{\"name\":\"Grace Hopper\"}"), customers, 1))
                .isEqualTo(new Customer("Grace", "Hopper", "unknown@example.com"));
    }

    @Test
    void refusesNewerVersionsMalformedDuplicateNullAndTrailingDataNamingTopicAndType() {
        assertThat(fails("{\"first\":\"A\",\"last\":\"B\",\"email\":\"c\"}", 4))
                .contains("crm.customers").contains(UpcastingTest.TYPE)
                .contains("version 4 is not one of the registered versions 1 to 3");
        assertThat(fails("{\"first\":\"A\",", 3)).contains("malformed JSON at line 1");
        assertThat(fails("{\"first\":\"A\",\"first\":\"B\",\"last\":\"B\",\"email\":\"c\"}", 3))
                .contains("Duplicate field 'first'");
        assertThat(fails("null", 3)).contains("'data' must not be null");
        assertThat(fails("", 3)).contains("'data' must not be empty");
        assertThat(fails("{\"first\":\"A\",\"last\":\"B\",\"email\":\"c\"} {}", 3))
                .contains("unexpected content after the data");
        assertThat(fails("{\"first\":\"A\",\"last\":\"B\",\"email\":\"c\",\"age\":3}", 3))
                .contains("unknown field 'age' at data");
    }

    private String fails(String json, int version) {
        Throwable failure = catchThrowable(() -> serializer.decodeData(bytes(json), customers, version));
        assertThat(failure).isInstanceOf(SerializationException.class);
        return failure.getMessage();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
