package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.SerializationException;
import org.busline.spi.TypeRegistry;
import org.busline.spi.Upcaster;
import org.busline.tests.Messages.Customer;
import org.busline.tests.Messages.CustomerV1;
import org.junit.jupiter.api.Test;

/** Messages written with old schema versions still decode, through the registered v1 -> v2 -> v3 chain. */
class UpcastingTest {
    static final String TYPE = "crm.customer-registered";
    static final Topic<Customer> CUSTOMERS = Topic.of("crm.customers", Customer.class);

    /** v1 {"name"} -> v2 {"first", "last"}. */
    static final Upcaster SPLIT_NAME = data -> {
        String[] parts = ((String) data.remove("name")).split(" ", 2);
        data.put("first", parts[0]);
        data.put("last", parts.length > 1 ? parts[1] : "");
        return data;
    };
    /** v2 {"first", "last"} -> v3 {"first", "last", "email"}. */
    static final Upcaster ADD_EMAIL = data -> Map.of("first", data.get("first"), "last", data.get("last"),
            "email", "unknown@example.com");

    private final JacksonSerializer current = JacksonSerializer.create(TypeRegistry.builder()
            .register(CUSTOMERS, TYPE, 3)
            .upcaster(TYPE, 1, SPLIT_NAME)
            .upcaster(TYPE, 2, ADD_EMAIL)
            .build());

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void upcastsVersionOneThroughTwoToThree() {
        // Written by last year's release, where the topic carried CustomerV1 at version 1.
        Topic<CustomerV1> oldTopic = Topic.of("crm.customers", CustomerV1.class);
        JacksonSerializer old = JacksonSerializer.create(TypeRegistry.builder().register(oldTopic, TYPE, 1).build());
        Envelope<CustomerV1> written = Envelope.restore("m-1", oldTopic, new CustomerV1("Ada Lovelace"), null,
                "flow-1", null, Map.of("tenant", "acme"));

        Envelope<?> decoded = current.decode(old.encode(written));

        assertThat(decoded.payload()).isEqualTo(new Customer("Ada", "Lovelace", "unknown@example.com"));
        assertThat(decoded.topic()).isEqualTo(CUSTOMERS);
        assertThat(decoded.id()).isEqualTo("m-1");
        assertThat(decoded.correlationId()).isEqualTo("flow-1");
        assertThat(decoded.headers()).containsEntry("tenant", "acme");
    }

    @Test
    void upcastsVersionTwoWithTheLastStepOnly() {
        String json = "{\"id\":\"m-2\",\"source\":\"crm.customers\",\"type\":\"" + TYPE + "\",\"version\":2,"
                + "\"data\":{\"first\":\"Grace\",\"last\":\"Hopper\"}}";

        assertThat(current.decode(bytes(json), CUSTOMERS).payload())
                .isEqualTo(new Customer("Grace", "Hopper", "unknown@example.com"));
    }

    @Test
    void currentVersionNeedsNoUpcasterEvenWhenDataComesFirst() {
        String json = "{\"data\":{\"first\":\"Alan\",\"last\":\"Turing\",\"email\":\"alan@example.com\"},"
                + "\"version\":3,\"type\":\"" + TYPE + "\",\"source\":\"crm.customers\",\"id\":\"m-3\"}";

        assertThat(current.decode(bytes(json)).payload())
                .isEqualTo(new Customer("Alan", "Turing", "alan@example.com"));
    }

    @Test
    void missingStepOrUnfitResultFailsNamingTheVersion() {
        JacksonSerializer gap = JacksonSerializer.create(TypeRegistry.builder()
                .register(CUSTOMERS, TYPE, 3).upcaster(TYPE, 2, ADD_EMAIL).build());
        JacksonSerializer sloppy = JacksonSerializer.create(TypeRegistry.builder()
                .register(CUSTOMERS, TYPE, 2).upcaster(TYPE, 1, data -> data).build());
        String v1 = "{\"id\":\"m-1\",\"source\":\"crm.customers\",\"type\":\"" + TYPE + "\",\"version\":1,"
                + "\"data\":{\"name\":\"Ada Lovelace\"}}";
        String v1NotAnObject = v1.replace("{\"name\":\"Ada Lovelace\"}", "\"Ada Lovelace\"");

        assertThat(catchThrowableOfType(SerializationException.class, () -> gap.decode(bytes(v1))))
                .hasMessage("cannot decode a message (topic 'crm.customers', type '" + TYPE + "', version 1): "
                        + "no upcaster from version 1 to 2 is registered");
        assertThat(catchThrowableOfType(SerializationException.class, () -> sloppy.decode(bytes(v1))).problem())
                .startsWith("wrong or missing value at data.first: Missing creator property 'first'");
        assertThat(catchThrowableOfType(SerializationException.class, () -> current.decode(bytes(v1NotAnObject)))
                .problem()).isEqualTo("data of version 1 must be a JSON object to be upcast, but was STRING");
    }
}
