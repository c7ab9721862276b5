package org.busline.jackson;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.jackson.internal.NoClassNameTypeIds;
import org.busline.jackson.internal.Timestamps;
import org.busline.spi.SerializationException;
import org.busline.spi.Serializer;
import org.busline.spi.TypeRegistry;

/**
 * A {@link Serializer} that writes envelopes as JSON with jackson-databind, in the shape described in the
 * {@linkplain org.busline.jackson package documentation}.
 *
 * <pre>{@code
 * Serializer json = JacksonSerializer.builder()
 *         .types(TypeRegistry.builder().register(ORDERS, "shop.order-placed", 2).build())
 *         .subtype(CardPayment.class, "card")          // allow-listed polymorphic subtypes, by name
 *         .build();
 * byte[] bytes = json.encode(envelope);
 * Envelope<?> back = json.decode(bytes);
 * }</pre>
 *
 * <p><b>Secure by default.</b> No default typing. Polymorphic payloads are resolved by name
 * ({@code @JsonTypeInfo(use = Id.NAME)}) among the subtypes that the code declares ({@code @JsonSubTypes}) or that
 * {@link Builder#subtype} allow-lists; a class name in the input ({@code Id.CLASS}, {@code Id.MINIMAL_CLASS}) is
 * refused before any class is loaded. The payload's Java type comes from the {@link TypeRegistry} or from the topic
 * the caller names, never from the input. {@link StreamReadConstraints} bound nesting depth, string, number and
 * name lengths and the document's size ({@link #DEFAULT_READ_CONSTRAINTS}). Decoding is strict: a missing record
 * component, an unknown property, a string where a number belongs (or a number or boolean where a string belongs),
 * or a fraction where an integer belongs fail it; {@link Builder#configure} can relax this.
 *
 * <p><b>Types.</b> Records, {@code Optional}, {@code java.time} types (as ISO-8601 strings, keeping offsets and zone
 * ids) and generic payloads of topics made with {@link TypeRef} round-trip. Payload classes in named modules must
 * be open to {@code com.fasterxml.jackson.databind}.
 *
 * <p>Immutable and thread-safe. One {@link JsonMapper} and one {@link ObjectReader}/{@link ObjectWriter} per payload
 * type are made once and reused for every message.
 */
public final class JacksonSerializer implements Serializer {
    /** The media type of the JSON this serializer writes. */
    public static final String CONTENT_TYPE = "application/vnd.busline.envelope+json";

    /**
     * The default limits on what is decoded: nesting depth 100 (the envelope object counts as 1), strings of up to
     * 1,000,000 characters, numbers of up to 100 digits, property names of up to 1,000 characters, documents of up to
     * 8 MiB.
     */
    public static final StreamReadConstraints DEFAULT_READ_CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(100)
            .maxStringLength(1_000_000)
            .maxNumberLength(100)
            .maxNameLength(1_000)
            .maxDocumentLength(8L * 1024 * 1024)
            .build();

    /** Longest piece of input quoted in an error message. */
    private static final int QUOTE_LIMIT = 120;

    private final TypeRegistry types;
    private final JsonMapper mapper;
    private final long maxDocumentLength;
    private final ObjectReader treeReader;
    private final ConcurrentHashMap<Type, Binding> bindings = new ConcurrentHashMap<>();

    private JacksonSerializer(TypeRegistry types, JsonMapper mapper, long maxDocumentLength) {
        this.types = types;
        this.mapper = mapper;
        this.maxDocumentLength = maxDocumentLength;
        this.treeReader = mapper.readerFor(new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /**
     * Returns a serializer with the defaults and no registered type: every topic is written under its own name,
     * version 1, and only {@link #decode(byte[], Topic)} can read it.
     *
     * @return a new serializer
     */
    public static JacksonSerializer create() {
        return builder().build();
    }

    /**
     * Returns a serializer with the defaults and the given types.
     *
     * @param types the logical types, versions and upcasters; not null
     * @return a new serializer
     * @throws NullPointerException if {@code types} is null
     */
    public static JacksonSerializer create(TypeRegistry types) {
        return builder().types(types).build();
    }

    /**
     * Returns a builder of a serializer.
     *
     * @return a builder with the defaults described on its methods
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the registry of logical types this serializer writes and reads.
     *
     * @return the registry, never null
     */
    public TypeRegistry types() {
        return types;
    }

    /**
     * Returns {@value #CONTENT_TYPE}.
     *
     * @return the media type
     */
    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(Envelope<?> envelope) {
        Objects.requireNonNull(envelope, "envelope");
        Topic<?> topic = envelope.topic();
        TypeRegistry.Registration<?> registration = null;
        try {
            registration = types.forTopic(topic);
            ObjectWriter writer = binding(topic.type()).writer;
            // As ObjectMapper.writeValueAsBytes does: the first block comes from the thread's recycled buffers, so
            // an envelope of up to 2 KB costs one copy, the result, instead of a growing chain of blocks.
            BufferRecycler recycler = mapper.getFactory()._getBufferRecycler();
            try (ByteArrayBuilder out = new ByteArrayBuilder(recycler)) {
                try (JsonGenerator generator = mapper.createGenerator(out, JsonEncoding.UTF8)) {
                    generator.writeStartObject();
                    generator.writeStringField("id", envelope.id());
                    generator.writeStringField("source", topic.name());
                    generator.writeStringField("type", registration.logicalType());
                    generator.writeNumberField("version", registration.version());
                    if (envelope.timestamp() != null) {
                        writeTime(generator, envelope.timestamp());
                    }
                    generator.writeStringField("correlationId", envelope.correlationId());
                    if (envelope.causationId() != null) {
                        generator.writeStringField("causationId", envelope.causationId());
                    }
                    writeHeaders(generator, envelope.headers());
                    generator.writeFieldName("data");
                    writer.writeValue(generator, envelope.payload());
                    generator.writeEndObject();
                }
                byte[] bytes = out.toByteArray();
                out.release();
                return bytes;
            } finally {
                recycler.releaseToPool();
            }
        } catch (IOException | RuntimeException failure) {
            throw encodingFailure(topic, registration, failure);
        }
    }

    /**
     * Returns {@code application/json}: the payload alone is plain JSON.
     *
     * @return the media type of {@link #encodeData}
     */
    @Override
    public String dataContentType() {
        return "application/json";
    }

    /**
     * Writes the payload alone, as the registered type's current version: the data of a CloudEvents binary-mode
     * message.
     */
    @Override
    public byte[] encodeData(Envelope<?> envelope) {
        Objects.requireNonNull(envelope, "envelope");
        Topic<?> topic = envelope.topic();
        TypeRegistry.Registration<?> registration = null;
        try {
            registration = types.forTopic(topic);
            return binding(topic.type()).writer.writeValueAsBytes(envelope.payload());
        } catch (IOException | RuntimeException failure) {
            throw encodingFailure(topic, registration, failure);
        }
    }

    /**
     * Reads a payload of the topic's registered type in the given version, with the limits, the duplicate-key check
     * and the upcasting of {@link #decode(byte[], Topic)}; failures name the topic, logical type and version.
     */
    @Override
    public <T> T decodeData(byte[] data, Topic<T> topic, int version) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(topic, "topic");
        Parts<T> parts = new Parts<>(topic);
        try {
            TypeRegistry.Registration<?> registration = types.forTopic(topic);
            parts.source = topic.name();
            parts.type = registration.logicalType();
            parts.version = version;
            parts.registration = registration;
            if (version < 1 || version > registration.version()) {
                throw parts.failure("version " + version + " is not one of the registered versions 1 to "
                        + registration.version(), null);
            }
            if (maxDocumentLength > 0 && data.length > maxDocumentLength) {
                throw parts.failure("limit exceeded: the data is " + data.length + " bytes long, more than the "
                        + "limit of " + maxDocumentLength, null);
            }
            Object payload;
            try (JsonParser parser = mapper.createParser(data)) {
                parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                JsonToken first = parser.nextToken();
                if (first == null || first == JsonToken.VALUE_NULL) {
                    throw parts.failure("'data' must not be " + (first == null ? "empty" : "null"), null);
                }
                payload = version == registration.version()
                        ? binding(topic.type()).reader.readValue(parser)
                        : bindTree(mapper.readTree(parser), registration, parts);
                if (parser.nextToken() != null) {
                    throw parts.failure(at(parser, "unexpected content after the data"), null);
                }
            }
            if (payload == null) {
                throw parts.failure("'data' must not be null", null);
            }
            return topic.cast(payload);
        } catch (SerializationException failure) {
            throw failure;
        } catch (IOException | RuntimeException failure) {
            throw parts.failure(describe(failure, true), failure);
        }
    }

    /** A failure to encode, naming the topic and, once it is known, the logical type and version. */
    private static SerializationException encodingFailure(Topic<?> topic, TypeRegistry.Registration<?> registration,
                                                          Exception failure) {
        return SerializationException.encoding(topic.name(), registration == null ? null
                : registration.logicalType(), registration == null ? 0 : registration.version(),
                describe(failure, false), failure);
    }

    private static void writeTime(JsonGenerator generator, Instant time) throws IOException {
        generator.writeFieldName("time");
        char[] text = new char[Timestamps.MILLIS_LENGTH];
        int length = Timestamps.writeMillis(time, text);
        if (length < 0) {
            generator.writeString(time.toString());
        } else {
            generator.writeString(text, 0, length);
        }
    }

    /** Writes the headers in the order of their names, so equal envelopes make equal bytes. */
    private static void writeHeaders(JsonGenerator generator, Map<String, String> headers) throws IOException {
        if (headers.isEmpty()) {
            return;
        }
        String[] names = headers.keySet().toArray(new String[0]);
        Arrays.sort(names);
        generator.writeObjectFieldStart("headers");
        for (String name : names) {
            generator.writeStringField(name, headers.get(name));
        }
        generator.writeEndObject();
    }

    @Override
    public Envelope<?> decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return read(bytes, null);
    }

    @Override
    public <T> Envelope<T> decode(byte[] bytes, Topic<T> topic) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(topic, "topic");
        return read(bytes, topic);
    }

    @Override
    public String toString() {
        return "JacksonSerializer[" + types + "]";
    }

    // ---------------------------------------------------------------------------------------------- decoding

    /**
     * Reads the envelope in one streaming pass. When {@code data} comes after {@code source}, {@code type} and
     * {@code version} (as this serializer writes it) and is of the current version, it is bound straight from the
     * parser; otherwise it is buffered as a tree and bound (after upcasting) at the end.
     */
    private <T> Envelope<T> read(byte[] bytes, Topic<T> expected) {
        Parts<T> parts = new Parts<>(expected);
        try {
            if (maxDocumentLength > 0 && bytes.length > maxDocumentLength) {
                throw parts.failure("limit exceeded: the document is " + bytes.length + " bytes long, more than the "
                        + "limit of " + maxDocumentLength, null);
            }
            try (JsonParser parser = mapper.createParser(bytes)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw parts.failure(at(parser, "the envelope must be a JSON object, but was "
                            + what(parser.currentToken())), null);
                }
                // The envelope's own attributes are checked for duplicates here, by a bit each; Jackson's detector
                // (a set of names per object) is switched on only for the payload, where "duplicate keys anywhere
                // are errors" needs it.
                int seen = 0;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    int bit = attributeBit(field);
                    if ((seen & bit) != 0) {
                        throw new JsonParseException(parser, "Duplicate field '" + field + "'");
                    }
                    seen |= bit;
                    parser.nextToken();
                    switch (field) {
                        case "id" -> parts.id = text(parser, parts, "id", false);
                        case "source" -> parts.source = text(parser, parts, "source", false);
                        case "type" -> parts.type = text(parser, parts, "type", false);
                        case "version" -> parts.version = version(parser, parts);
                        case "time" -> parts.time = time(parser, parts);
                        case "correlationId" -> parts.correlationId = text(parser, parts, "correlationId", true);
                        case "causationId" -> parts.causationId = text(parser, parts, "causationId", true);
                        case "headers" -> parts.headers = headers(parser, parts);
                        case "data" -> data(parser, parts);
                        default -> parser.skipChildren();
                    }
                }
                if (parser.nextToken() != null) {
                    throw parts.failure(at(parser, "unexpected content after the envelope"), null);
                }
            }
            return finish(parts);
        } catch (SerializationException failure) {
            throw failure;
        } catch (IOException | RuntimeException failure) {
            throw parts.failure(describe(failure, true), failure);
        }
    }

    /** The bit of an attribute of the envelope, or 0 for an unknown one (skipped, so its duplicates too). */
    private static int attributeBit(String field) {
        return switch (field) {
            case "id" -> 1;
            case "source" -> 1 << 1;
            case "type" -> 1 << 2;
            case "version" -> 1 << 3;
            case "time" -> 1 << 4;
            case "correlationId" -> 1 << 5;
            case "causationId" -> 1 << 6;
            case "headers" -> 1 << 7;
            case "data" -> 1 << 8;
            default -> 0;
        };
    }

    private void data(JsonParser parser, Parts<?> parts) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            throw parts.failure(at(parser, "'data' must not be null"), null);
        }
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        TypeRegistry.Registration<?> registration = parts.knowsType() ? resolve(parts) : null;
        if (registration != null && parts.version == registration.version()) {
            parts.payload = binding(registration.topic().type()).reader.readValue(parser);
        } else {
            parts.tree = mapper.readTree(parser);
        }
        parts.hasData = true;
    }

    private <T> Envelope<T> finish(Parts<T> parts) throws IOException {
        if (parts.id == null) {
            throw parts.failure("missing 'id'", null);
        }
        if (!parts.hasData) {
            throw parts.failure("missing 'data'", null);
        }
        TypeRegistry.Registration<?> registration = resolve(parts);
        Object payload = parts.payload != null ? parts.payload : bindTree(parts.tree, registration, parts);
        if (payload == null) {
            throw parts.failure("'data' must not be null", null);
        }
        @SuppressWarnings("unchecked")
        Topic<T> topic = (Topic<T>) registration.topic();
        return Envelope.restore(parts.id, topic, topic.cast(payload), parts.time, parts.correlationId,
                parts.causationId, parts.headers);
    }

    /** Binds data that was read as a tree (an older version, or data before the attributes), upcasting it first. */
    private Object bindTree(JsonNode data, TypeRegistry.Registration<?> registration, Parts<?> parts)
            throws IOException {
        JsonNode tree = data;
        if (parts.version < registration.version()) {
            if (!tree.isObject()) {
                throw parts.failure("data of version " + parts.version + " must be a JSON object to be upcast, "
                        + "but was " + tree.getNodeType(), null);
            }
            Map<String, Object> old = treeReader.readValue(tree);
            tree = mapper.valueToTree(types.upcast(registration, parts.version, old));
        }
        return binding(registration.topic().type()).reader.readValue(tree);
    }

    /** Finds the registration the message names and checks that its source, type and version fit it. */
    private TypeRegistry.Registration<?> resolve(Parts<?> parts) {
        if (parts.registration != null) {
            return parts.registration;
        }
        if (parts.type == null) {
            throw parts.failure("missing 'type'", null);
        }
        if (parts.source == null) {
            throw parts.failure("missing 'source'", null);
        }
        if (parts.version == 0) {
            throw parts.failure("missing 'version'", null);
        }
        TypeRegistry.Registration<?> found;
        if (parts.expected != null) {
            found = types.forTopic(parts.expected);
            if (!parts.source.equals(found.topic().name())) {
                throw parts.failure("the message belongs to topic " + quote(parts.source) + ", not to the expected '"
                        + found.topic().name() + "'", null);
            }
            if (!parts.type.equals(found.logicalType())) {
                throw parts.failure("logical type " + quote(parts.type) + " does not belong to topic '"
                        + found.topic().name() + "', which carries '" + found.logicalType() + "'", null);
            }
        } else {
            found = types.find(parts.type);
            if (found == null) {
                throw parts.failure("unknown logical type " + quote(parts.type) + ": it is not registered", null);
            }
            if (!parts.source.equals(found.topic().name())) {
                throw parts.failure("logical type '" + found.logicalType() + "' belongs to topic '"
                        + found.topic().name() + "', but the message names topic " + quote(parts.source), null);
            }
        }
        if (parts.version > found.version()) {
            throw parts.failure("version " + parts.version + " is newer than version " + found.version()
                    + ", the latest registered", null);
        }
        parts.registration = found;
        return found;
    }

    private static String text(JsonParser parser, Parts<?> parts, String field, boolean nullable) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            if (text.isEmpty()) {
                throw parts.failure(at(parser, "'" + field + "' must not be empty"), null);
            }
            return text;
        }
        if (nullable && token == JsonToken.VALUE_NULL) {
            return null;
        }
        throw parts.failure(at(parser, "'" + field + "' must be a string, but was " + what(token)), null);
    }

    private static int version(JsonParser parser, Parts<?> parts) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() != JsonParser.NumberType.INT || parser.getIntValue() < 1) {
            throw parts.failure(at(parser, "'version' must be an integer from 1 to " + Integer.MAX_VALUE
                    + ", but was " + what(parser.currentToken())
                    + (parser.currentToken() == JsonToken.VALUE_NUMBER_INT ? " " + quote(parser.getText()) : "")),
                    null);
        }
        return parser.getIntValue();
    }

    private static Instant time(JsonParser parser, Parts<?> parts) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Timestamps.parse(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            } catch (DateTimeException malformed) {
                throw parts.failure(at(parser, "'time' must be an RFC 3339 timestamp such as "
                        + "2026-01-02T03:04:05.678Z, but was " + quote(parser.getText())), malformed);
            }
        }
        throw parts.failure(at(parser, "'time' must be a string, but was " + what(token)), null);
    }

    private static Map<String, String> headers(JsonParser parser, Parts<?> parts) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (token != JsonToken.START_OBJECT) {
            throw parts.failure(at(parser, "'headers' must be an object of strings, but was " + what(token)), null);
        }
        Map<String, String> headers = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                throw parts.failure(at(parser, "header " + quote(name) + " must be a string, but was "
                        + what(parser.currentToken())), null);
            }
            if (headers.put(name, parser.getText()) != null) {
                throw new JsonParseException(parser, "Duplicate field '" + name + "'");
            }
        }
        return headers;
    }

    /** What was read so far: the context of a failure, then the parts of the envelope. */
    private static final class Parts<T> {
        final Topic<T> expected;
        String id;
        String source;
        String type;
        int version;
        Instant time;
        String correlationId;
        String causationId;
        Map<String, String> headers = Map.of();
        boolean hasData;
        Object payload;
        JsonNode tree;
        TypeRegistry.Registration<?> registration;

        Parts(Topic<T> expected) {
            this.expected = expected;
        }

        boolean knowsType() {
            return source != null && type != null && version != 0;
        }

        SerializationException failure(String problem, Throwable cause) {
            String topic = registration != null ? registration.topic().name()
                    : source != null ? clip(source) : expected != null ? expected.name() : null;
            return SerializationException.decoding(topic, type == null ? null : clip(type), version, problem, cause);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private Binding binding(TypeRef<?> type) {
        return bindings.computeIfAbsent(type.type(), key -> {
            JavaType javaType = mapper.getTypeFactory().constructType(key);
            return new Binding(mapper.readerFor(javaType), mapper.writerFor(javaType));
        });
    }

    /** The reader and writer of one payload type, made once. */
    private static final class Binding {
        final ObjectReader reader;
        final ObjectWriter writer;

        Binding(ObjectReader reader, ObjectWriter writer) {
            this.reader = reader;
            this.writer = writer;
        }
    }

    private static String describe(Throwable failure, boolean decoding) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamConstraintsException) {
                return "limit exceeded: " + ((StreamConstraintsException) cause).getOriginalMessage();
            }
        }
        if (decoding && !(failure instanceof StreamReadException)) {
            // Databind wraps the parser's failures (end of input inside the payload, say): report them as such.
            for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof StreamReadException && !(cause instanceof InputCoercionException)) {
                    return describe(cause, true);
                }
            }
        }
        if (failure instanceof InvalidTypeIdException) {
            InvalidTypeIdException invalid = (InvalidTypeIdException) failure;
            return "unknown or forbidden polymorphic type id " + quote(invalid.getTypeId()) + " at "
                    + path(invalid) + ": " + invalid.getOriginalMessage();
        }
        if (failure instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException unknown = (UnrecognizedPropertyException) failure;
            return "unknown field " + quote(unknown.getPropertyName()) + " at " + path(unknown);
        }
        if (failure instanceof ValueInstantiationException) {
            ValueInstantiationException invalid = (ValueInstantiationException) failure;
            return "invalid value at " + path(invalid) + ": " + (invalid.getCause() != null
                    ? invalid.getCause().toString() : invalid.getOriginalMessage());
        }
        if (failure instanceof MismatchedInputException) {
            MismatchedInputException mismatch = (MismatchedInputException) failure;
            return (decoding ? "wrong or missing value at " : "cannot write ") + path(mismatch) + ": "
                    + mismatch.getOriginalMessage();
        }
        if (failure instanceof JsonMappingException) {
            JsonMappingException mapping = (JsonMappingException) failure;
            return (decoding ? "cannot read " : "cannot write ") + path(mapping) + ": " + mapping.getOriginalMessage();
        }
        if (failure instanceof JsonProcessingException) {
            JsonProcessingException processing = (JsonProcessingException) failure;
            JsonLocation location = processing.getLocation();
            return (decoding ? "malformed JSON" : "cannot write JSON")
                    + (location == null || location.getLineNr() < 0 ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr())
                    + ": " + processing.getOriginalMessage();
        }
        return "unexpected failure: " + failure;
    }

    /** The JSON path of a databind failure, from the payload: {@code data.items[2].sku}. */
    private static String path(JsonMappingException failure) {
        StringBuilder path = new StringBuilder("data");
        for (JsonMappingException.Reference reference : failure.getPath()) {
            if (reference.getFieldName() != null) {
                path.append('.').append(clip(reference.getFieldName()));
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String at(JsonParser parser, String problem) {
        JsonLocation location = parser.currentTokenLocation();
        return problem + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String what(JsonToken token) {
        if (token == null) {
            return "the end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fraction";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    /** Input quoted in a message: at most {@value #QUOTE_LIMIT} characters, control characters replaced. */
    private static String quote(String input) {
        return input == null ? "null" : "'" + clip(input) + "'";
    }

    private static String clip(String input) {
        String clipped = input.length() > QUOTE_LIMIT ? input.substring(0, QUOTE_LIMIT) + "…" : input;
        StringBuilder clean = null;
        for (int i = 0; i < clipped.length(); i++) {
            if (Character.isISOControl(clipped.charAt(i))) {
                if (clean == null) {
                    clean = new StringBuilder(clipped);
                }
                clean.setCharAt(i, '?');
            }
        }
        return clean == null ? clipped : clean.toString();
    }

    /**
     * Configures a {@link JacksonSerializer}. Each method checks its argument at once; {@link #build()} may be
     * called more than once. Not thread-safe.
     */
    public static final class Builder {
        private TypeRegistry types = TypeRegistry.empty();
        private StreamReadConstraints readConstraints = DEFAULT_READ_CONSTRAINTS;
        private final List<NamedType> subtypes = new ArrayList<>();
        private final List<Consumer<? super JsonMapper.Builder>> customizers = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the logical types, versions and upcasters. Default: {@link TypeRegistry#empty()}.
         *
         * @param types the registry; not null
         * @return this builder
         */
        public Builder types(TypeRegistry types) {
            this.types = Objects.requireNonNull(types, "types");
            return this;
        }

        /**
         * Allow-lists a subtype of a polymorphic payload type, under the name the JSON carries for it. The base type
         * declares how the name is written, for example {@code @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property
         * = "kind")} on a sealed interface; subtypes listed in its {@code @JsonSubTypes} are allowed as well. No
         * other type is ever chosen by the input.
         *
         * @param type the subtype; not null
         * @param name the name that selects it in the input; not blank
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder subtype(Class<?> type, String name) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
            }
            subtypes.add(new NamedType(type, name));
            return this;
        }

        /**
         * Sets the limits on decoded input. Its {@code maxDocumentLength} is checked against the whole input before
         * parsing. Default: {@link #DEFAULT_READ_CONSTRAINTS}. Encoding uses the same nesting depth, so whatever
         * encodes also decodes.
         *
         * @param readConstraints the limits; not null
         * @return this builder
         */
        public Builder readConstraints(StreamReadConstraints readConstraints) {
            this.readConstraints = Objects.requireNonNull(readConstraints, "readConstraints");
            return this;
        }

        /**
         * Adds a customization of the {@link JsonMapper}, to register modules or change features, for instance
         * {@code b -> b.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)} to let old readers skip fields
         * that newer writers add. Customizations run in the order they were added, after the defaults. Whatever they
         * do, default typing stays off, class names in the input stay refused, and the read constraints stay those of
         * {@link #readConstraints}.
         *
         * @param customizer the customization; not null
         * @return this builder
         */
        public Builder configure(Consumer<? super JsonMapper.Builder> customizer) {
            customizers.add(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /**
         * Builds a serializer with this configuration.
         *
         * @return the serializer
         */
        public JacksonSerializer build() {
            JsonFactory factory = JsonFactory.builder()
                    .streamReadConstraints(readConstraints)
                    .streamWriteConstraints(StreamWriteConstraints.builder()
                            .maxNestingDepth(readConstraints.getMaxNestingDepth()).build())
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build();
            JsonMapper.Builder builder = JsonMapper.builder(factory)
                    .addModule(new Jdk8Module())
                    .addModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                    .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
                    .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                    .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                    .withCoercionConfig(LogicalType.Textual, strings -> strings
                            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                    .registerSubtypes(subtypes.toArray(new NamedType[0]));
            for (Consumer<? super JsonMapper.Builder> customizer : customizers) {
                customizer.accept(builder);
            }
            // Re-imposed after the customizations: these are the security guarantees of this class.
            builder.deactivateDefaultTyping()
                    .polymorphicTypeValidator(new NoClassNameTypeIds())
                    .enable(MapperFeature.BLOCK_UNSAFE_POLYMORPHIC_BASE_TYPES);
            return new JacksonSerializer(types, builder.build(), readConstraints.getMaxDocumentLength());
        }
    }
}
