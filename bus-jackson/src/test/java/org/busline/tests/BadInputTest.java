package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.SerializationException;
import org.busline.spi.TypeRegistry;
import org.busline.tests.Messages.Address;
import org.busline.tests.Messages.Card;
import org.busline.tests.Messages.Cash;
import org.busline.tests.Messages.Checkout;
import org.busline.tests.Messages.Crate;
import org.busline.tests.Messages.Line;
import org.busline.tests.Messages.Note;
import org.busline.tests.Messages.Quantity;
import org.busline.tests.Messages.Shipment;
import org.busline.tests.Messages.Tree;
import org.busline.tests.Messages.Wrapper;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gives a {@link SerializationException} whose message says where and what. */
class BadInputTest {
    static final Topic<Address> ADDRESSES = Topic.of("shop.addresses", Address.class);
    static final Topic<Line> LINES = Topic.of("shop.lines", Line.class);
    static final Topic<Shipment> SHIPMENTS = Topic.of("shop.shipments", Shipment.class);
    static final Topic<Checkout> CHECKOUTS = Topic.of("shop.checkouts", Checkout.class);
    static final Topic<Tree> TREES = Topic.of("shop.trees", Tree.class);
    static final Topic<Note> NOTES = Topic.of("shop.notes", Note.class);
    static final Topic<Quantity> QUANTITIES = Topic.of("shop.quantities", Quantity.class);
    static final Topic<Wrapper> WRAPPERS = Topic.of("shop.wrappers", Wrapper.class);
    static final String GADGET = Messages.class.getName() + "$Gadget";

    static final TypeRegistry TYPES = TypeRegistry.builder()
            .register(ADDRESSES, "shop.address", 1)
            .register(LINES)
            .register(SHIPMENTS)
            .register(CHECKOUTS)
            .register(TREES)
            .register(NOTES)
            .register(QUANTITIES)
            .build();

    private final JacksonSerializer serializer = JacksonSerializer.builder().types(TYPES)
            .subtype(Card.class, "card").subtype(Cash.class, "cash").build();

    static String envelope(String source, String type, int version, String data) {
        return "{\"id\":\"m-1\",\"source\":\"" + source + "\",\"type\":\"" + type + "\",\"version\":" + version
                + ",\"data\":" + data + "}";
    }

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private SerializationException decodeFails(byte[] input) {
        SerializationException failure = catchThrowableOfType(SerializationException.class,
                () -> serializer.decode(input));
        assertThat(failure).as("decoding must fail with a SerializationException").isNotNull();
        assertThat(failure.isDecoding()).isTrue();
        return failure;
    }

    private SerializationException decodeFails(String json) {
        return decodeFails(bytes(json));
    }

    @Test
    void truncatedJsonNamesTheLineAndColumnWhereItEnds() {
        byte[] whole = serializer.encode(Envelope.of(ADDRESSES, new Address("1 Main St", "Springfield")));
        int cut = whole.length - 5;

        SerializationException failure = decodeFails(Arrays.copyOf(whole, cut));

        assertThat(failure.problem()).startsWith("malformed JSON at line 1, column " + (cut + 1) + ": ")
                .contains("end-of-input");
        assertThat(failure).hasMessageStartingWith(
                "cannot decode a message (topic 'shop.addresses', type 'shop.address', version 1): malformed JSON");
        assertThat(decodeFails(Arrays.copyOf(whole, 10)).getMessage())
                .startsWith("cannot decode a message (topic ?, type ?, version ?): malformed JSON at line 1");
    }

    @Test
    void malformedJsonNamesTheLineAndColumnAndTheToken() {
        SerializationException failure = decodeFails("{\n  \"id\": \"m-1\",\n  \"source\": shop\n}");

        assertThat(failure.problem()).startsWith("malformed JSON at line 3, column ").contains("'shop'");
    }

    @Test
    void somethingElseThanAnObjectIsRefused() {
        assertThat(decodeFails("[1, 2]").problem())
                .isEqualTo("the envelope must be a JSON object, but was an array at line 1, column 1");
        assertThat(decodeFails("").problem()).startsWith("the envelope must be a JSON object, but was the end");
        assertThat(decodeFails(new byte[] {(byte) 0xFE, (byte) 0xFF, 0}).problem()).startsWith("malformed JSON");
    }

    @Test
    void wrongTypesInTheDataNameTheField() {
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":\"s\",\"quantity\":\"three\",\"price\":1}")).problem())
                .startsWith("wrong or missing value at data.quantity: ").contains("`int`", "\"three\"");
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":\"s\",\"quantity\":\"3\",\"price\":1}")).problem())
                .as("no coercion of strings to numbers").startsWith("wrong or missing value at data.quantity");
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":\"s\",\"quantity\":1.5,\"price\":1}")).problem())
                .as("no truncation of fractions").startsWith("wrong or missing value at data.quantity");
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":\"s\",\"quantity\":null,\"price\":1}")).problem())
                .startsWith("wrong or missing value at data.quantity");
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":5,\"quantity\":1,\"price\":1}")).problem())
                .as("no coercion of numbers to strings").startsWith("wrong or missing value at data.sku");
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1, "[\"s\", 1]")).problem())
                .startsWith("wrong or missing value at data: ");
    }

    @Test
    void missingAndUnknownFieldsAreNamed() {
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1, "{\"sku\":\"s\",\"price\":1}")).problem())
                .startsWith("wrong or missing value at data").contains("'quantity'");
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":\"s\",\"quantity\":1,\"price\":1,\"colour\":\"red\"}")).problem())
                .isEqualTo("unknown field 'colour' at data.colour");
    }

    @Test
    void valueThatTheRecordRefusesIsReportedWithItsReason() {
        assertThat(decodeFails(envelope("shop.quantities", "shop.quantities", 1, "{\"value\":-1}")).problem())
                .isEqualTo("invalid value at data: java.lang.IllegalArgumentException: "
                        + "value must not be negative, but was -1");
    }

    @Test
    void missingOrMistypedEnvelopeAttributesAreNamed() {
        String data = "{\"street\":\"s\",\"city\":\"c\"}";
        assertThat(decodeFails("{\"id\":\"m\",\"source\":\"shop.addresses\",\"version\":1,\"data\":" + data + "}")
                .problem()).isEqualTo("missing 'type'");
        assertThat(decodeFails("{\"source\":\"shop.addresses\",\"type\":\"shop.address\",\"version\":1,\"data\":"
                + data + "}").problem()).isEqualTo("missing 'id'");
        assertThat(decodeFails("{\"id\":\"m\",\"source\":\"shop.addresses\",\"type\":\"shop.address\",\"version\":1}")
                .problem()).isEqualTo("missing 'data'");
        assertThat(decodeFails(envelope("shop.addresses", "shop.address", 1, "null")).problem())
                .startsWith("'data' must not be null at line 1, column ");
        assertThat(decodeFails("{\"id\":\"m\",\"version\":\"1\"}").problem())
                .isEqualTo("'version' must be an integer from 1 to 2147483647, but was a string at line 1, column 21");
        assertThat(decodeFails("{\"id\":\"m\",\"version\":0}").problem())
                .startsWith("'version' must be an integer from 1 to 2147483647, but was an integer '0'");
        assertThat(decodeFails("{\"id\":\"m\",\"version\":99999999999}").problem())
                .startsWith("'version' must be an integer from 1 to 2147483647, but was an integer '99999999999'");
        assertThat(decodeFails("{\"id\":42}").problem()).startsWith("'id' must be a string, but was an integer");
        assertThat(decodeFails("{\"id\":\"\"}").problem()).startsWith("'id' must not be empty");
        assertThat(decodeFails("{\"time\":\"yesterday\"}").problem())
                .startsWith("'time' must be an RFC 3339 timestamp such as 2026-01-02T03:04:05.678Z, but was "
                        + "'yesterday'");
        assertThat(decodeFails("{\"headers\":{\"tenant\":7}}").problem())
                .startsWith("header 'tenant' must be a string, but was an integer");
    }

    @Test
    void unknownLogicalTypeIsAnErrorNotAClassLookup() {
        SerializationException failure = decodeFails(envelope("shop.things", "shop.thing", 1, "{}"));

        assertThat(failure).hasMessage("cannot decode a message (topic 'shop.things', type 'shop.thing', version 1): "
                + "unknown logical type 'shop.thing': it is not registered");
        assertThat(failure.topic()).isEqualTo("shop.things");
        assertThat(failure.logicalType()).isEqualTo("shop.thing");
        assertThat(failure.version()).isEqualTo(1);
    }

    @Test
    void classNameSmuggledIntoTheTypeFieldIsAnUnknownTypeAndNoClassIsLoaded() {
        String json = envelope(GADGET, GADGET, 1, "{\"command\":\"calc\"}");

        assertThat(decodeFails(json).problem()).isEqualTo("unknown logical type '" + GADGET + "': it is not registered");
        assertThat(catchThrowableOfType(SerializationException.class,
                () -> serializer.decode(bytes(json), ADDRESSES)).problem())
                .isEqualTo("the message belongs to topic '" + GADGET + "', not to the expected 'shop.addresses'");
        assertThat(catchThrowableOfType(SerializationException.class, () -> serializer.decode(
                bytes(envelope("shop.addresses", GADGET, 1, "{}")), ADDRESSES)).problem())
                .isEqualTo("logical type '" + GADGET + "' does not belong to topic 'shop.addresses', which carries "
                        + "'shop.address'");
        assertThat(Messages.GADGET_INITIALIZED).isFalse();
    }

    @Test
    void classNameSmuggledIntoAPolymorphicTypeIdIsRefusedBeforeLoadingTheClass() {
        SerializationException byClass = decodeFails(envelope("shop.shipments", "shop.shipments", 1,
                "{\"cargo\":{\"@class\":\"" + GADGET + "\",\"command\":\"calc\"}}"));
        SerializationException byName = decodeFails(envelope("shop.checkouts", "shop.checkouts", 1,
                "{\"orderId\":\"o\",\"payment\":{\"kind\":\"" + GADGET + "\"}}"));

        assertThat(byClass.problem()).startsWith("unknown or forbidden polymorphic type id '" + GADGET
                + "' at data.cargo: ").contains("denied");
        assertThat(byName.problem()).startsWith("unknown or forbidden polymorphic type id '" + GADGET
                + "' at data.payment: ").contains("known type ids = [card, cash]");
        assertThat(Messages.GADGET_INITIALIZED).isFalse();
    }

    @Test
    void classNameTypeIdsAreRefusedEvenForHarmlessClasses() {
        byte[] bytes = serializer.encode(Envelope.of(SHIPMENTS, new Shipment(new Crate("tea"))));

        assertThat(decodeFails(bytes).problem()).startsWith("unknown or forbidden polymorphic type id '"
                + Crate.class.getName() + "' at data.cargo");
    }

    @Test
    void unlistedSubtypeNameIsRefused() {
        assertThat(decodeFails(envelope("shop.checkouts", "shop.checkouts", 1,
                "{\"orderId\":\"o\",\"payment\":{\"kind\":\"iou\"}}")).problem())
                .startsWith("unknown or forbidden polymorphic type id 'iou' at data.payment");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        String deep = "[".repeat(150) + "]".repeat(150);
        assertThat(decodeFails("{\"id\":\"m\",\"extension\":" + deep + "}").problem())
                .startsWith("limit exceeded: Document nesting depth (101) exceeds the maximum allowed (100");

        JacksonSerializer shallow = JacksonSerializer.builder().types(TYPES)
                .readConstraints(StreamReadConstraints.builder().maxNestingDepth(10).build()).build();
        String tree = "{\"name\":\"leaf\",\"children\":[]}";
        for (int i = 0; i < 12; i++) {
            tree = "{\"name\":\"n" + i + "\",\"children\":[" + tree + "]}";
        }
        String json = envelope("shop.trees", "shop.trees", 1, tree);
        SerializationException failure = catchThrowableOfType(SerializationException.class,
                () -> shallow.decode(bytes(json)));
        assertThat(failure.problem()).startsWith("limit exceeded: Document nesting depth (11) exceeds the maximum "
                + "allowed (10");
        assertThat(failure.topic()).isEqualTo("shop.trees");
    }

    @Test
    void encodingDeeperThanTheLimitIsRefusedToo() {
        JacksonSerializer shallow = JacksonSerializer.builder()
                .readConstraints(StreamReadConstraints.builder().maxNestingDepth(10).build()).build();
        Tree tree = new Tree("leaf", List.of());
        for (int i = 0; i < 12; i++) {
            tree = new Tree("n" + i, List.of(tree));
        }
        Tree deep = tree;

        SerializationException failure = catchThrowableOfType(SerializationException.class,
                () -> shallow.encode(Envelope.of(TREES, deep)));

        assertThat(failure.isDecoding()).isFalse();
        assertThat(failure.problem()).startsWith("limit exceeded: Document nesting depth (11) exceeds");
    }

    @Test
    void oversizedStringsAreRefused() {
        String huge = "x".repeat(1_000_001);
        assertThat(decodeFails(envelope("shop.notes", "shop.notes", 1, "{\"text\":\"" + huge + "\"}")).problem())
                .startsWith("limit exceeded: String value length").contains("exceeds the maximum allowed (1000000");

        JacksonSerializer strict = JacksonSerializer.builder().types(TYPES)
                .readConstraints(StreamReadConstraints.builder().maxStringLength(1_000).build()).build();
        String json = envelope("shop.notes", "shop.notes", 1, "{\"text\":\"" + "y".repeat(5_000) + "\"}");
        assertThat(catchThrowableOfType(SerializationException.class, () -> strict.decode(bytes(json))).problem())
                .startsWith("limit exceeded: String value length").contains("(1000");
    }

    @Test
    void oversizedDocumentsAndNumbersAreRefused() {
        JacksonSerializer small = JacksonSerializer.builder().types(TYPES)
                .readConstraints(StreamReadConstraints.builder().maxDocumentLength(1_000).build()).build();
        byte[] big = bytes(envelope("shop.notes", "shop.notes", 1, "{\"text\":\"" + "z".repeat(2_000) + "\"}"));
        assertThat(catchThrowableOfType(SerializationException.class, () -> small.decode(big)).problem())
                .isEqualTo("limit exceeded: the document is " + big.length + " bytes long, more than the limit of 1000");

        String digits = "1".repeat(200);
        assertThat(decodeFails(envelope("shop.lines", "shop.lines", 1,
                "{\"sku\":\"s\",\"quantity\":" + digits + ",\"price\":1}")).problem())
                .startsWith("limit exceeded: Number value length (").contains("exceeds the maximum allowed (100");
    }

    @Test
    void newerVersionOrForeignSourceIsRefused() {
        assertThat(decodeFails(envelope("shop.addresses", "shop.address", 3, "{}")).problem())
                .isEqualTo("version 3 is newer than version 1, the latest registered");
        assertThat(decodeFails(envelope("shop.elsewhere", "shop.address", 1, "{}")).problem())
                .isEqualTo("logical type 'shop.address' belongs to topic 'shop.addresses', but the message names "
                        + "topic 'shop.elsewhere'");
    }

    @Test
    void duplicateAttributesAndTrailingContentAreRefused() {
        String valid = envelope("shop.addresses", "shop.address", 1, "{\"street\":\"s\",\"city\":\"c\"}");

        assertThat(decodeFails("{\"type\":\"shop.address\"," + valid.substring(1)).problem())
                .startsWith("malformed JSON at line 1, column ").contains("Duplicate field 'type'");
        assertThat(decodeFails(envelope("shop.addresses", "shop.address", 1,
                "{\"street\":\"s\",\"street\":\"t\",\"city\":\"c\"}")).problem())
                .contains("Duplicate field 'street'");
        assertThat(decodeFails(valid + " {}").problem())
                .startsWith("unexpected content after the envelope at line 1, column ");
    }

    @Test
    void inputQuotedInMessagesIsClippedAndFreeOfControlCharacters() {
        String type = "evil\nline" + "x".repeat(500);

        SerializationException failure = decodeFails(envelope("shop.addresses", type.replace("\n", "\\n"), 1, "{}"));

        assertThat(failure.getMessage()).doesNotContain("\n").contains("evil?line").hasSizeLessThan(400);
    }

    @Test
    void payloadThatCannotBeWrittenIsAnEncodingFailure() {
        SerializationException failure = catchThrowableOfType(SerializationException.class,
                () -> serializer.encode(Envelope.of(WRAPPERS, new Wrapper(new Messages.Opaque()))));

        assertThat(failure.isDecoding()).isFalse();
        assertThat(failure).hasMessageStartingWith("cannot encode a message (topic 'shop.wrappers', "
                + "type 'shop.wrappers', version 1): cannot write data.content: ");
    }
}
