package org.busline.jackson;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.jackson.internal.EnvelopeReader;
import org.busline.jackson.internal.NoClassNameTypeIds;
import org.busline.jackson.internal.Problems;
import org.busline.spi.Timestamps;
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

    private final TypeRegistry types;
    private final JsonMapper mapper;
    private final EnvelopeReader reader;
    private final ConcurrentHashMap<Type, Binding> bindings = new ConcurrentHashMap<>();

    private JacksonSerializer(TypeRegistry types, JsonMapper mapper, long maxDocumentLength) {
        this.types = types;
        this.mapper = mapper;
        this.reader = new EnvelopeReader(mapper, types, maxDocumentLength, type -> binding(type).reader);
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
        return reader.readData(data, topic, version);
    }

    /** A failure to encode, naming the topic and, once it is known, the logical type and version. */
    private static SerializationException encodingFailure(Topic<?> topic, TypeRegistry.Registration<?> registration,
                                                          Exception failure) {
        return SerializationException.encoding(topic.name(), registration == null ? null
                : registration.logicalType(), registration == null ? 0 : registration.version(),
                Problems.describe(failure, false), failure);
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
        return reader.read(bytes, null);
    }

    @Override
    public <T> Envelope<T> decode(byte[] bytes, Topic<T> topic) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(topic, "topic");
        return reader.read(bytes, topic);
    }

    @Override
    public String toString() {
        return "JacksonSerializer[" + types + "]";
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
