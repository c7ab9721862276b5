package org.busline.jackson.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.spi.SerializationException;
import org.busline.spi.TypeRegistry;
import org.busline.spi.Timestamps;

/**
 * The decoding room of {@code JacksonSerializer}: envelopes, and payloads alone, read in one streaming pass, checked
 * against the registry (topic, logical type, version), upcast when older, every failure a
 * {@link SerializationException} that names what was wrong. Thread-safe: it holds only immutable configuration and
 * the serializer's thread-safe readers.
 */
public final class EnvelopeReader {
    private final JsonMapper mapper;
    private final TypeRegistry types;
    private final long maxDocumentLength;
    private final ObjectReader treeReader;
    private final Function<TypeRef<?>, ObjectReader> readers;

    /**
     * Makes the reader.
     *
     * @param mapper            the serializer's mapper
     * @param types             the logical types
     * @param maxDocumentLength the longest input read, in bytes; 0 for no limit
     * @param readers           the reader of each payload type, made once by the serializer
     */
    public EnvelopeReader(JsonMapper mapper, TypeRegistry types, long maxDocumentLength,
                          Function<TypeRef<?>, ObjectReader> readers) {
        this.mapper = mapper;
        this.types = types;
        this.maxDocumentLength = maxDocumentLength;
        this.treeReader = mapper.readerFor(new TypeReference<LinkedHashMap<String, Object>>() { });
        this.readers = readers;
    }

    /**
     * Reads a payload of the topic's registered type in the given version, with the limits, the duplicate-key check
     * and the upcasting of {@link #read}; failures name the topic, logical type and version.
     */
    public <T> T readData(byte[] data, Topic<T> topic, int version) {
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
                        ? readers.apply(topic.type()).readValue(parser)
                        : bindTree(mapper.readTree(parser), registration, parts);
                if (parser.nextToken() != null) {
                    throw parts.failure(Problems.at(parser, "unexpected content after the data"), null);
                }
            }
            if (payload == null) {
                throw parts.failure("'data' must not be null", null);
            }
            return topic.cast(payload);
        } catch (SerializationException failure) {
            throw failure;
        } catch (IOException | RuntimeException failure) {
            throw parts.failure(Problems.describe(failure, true), failure);
        }
    }


    /**
     * Reads the envelope in one streaming pass. When {@code data} comes after {@code source}, {@code type} and
     * {@code version} (as this serializer writes it) and is of the current version, it is bound straight from the
     * parser; otherwise it is buffered as a tree and bound (after upcasting) at the end.
     */
    public <T> Envelope<T> read(byte[] bytes, Topic<T> expected) {
        Parts<T> parts = new Parts<>(expected);
        try {
            if (maxDocumentLength > 0 && bytes.length > maxDocumentLength) {
                throw parts.failure("limit exceeded: the document is " + bytes.length + " bytes long, more than the "
                        + "limit of " + maxDocumentLength, null);
            }
            try (JsonParser parser = mapper.createParser(bytes)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw parts.failure(Problems.at(parser, "the envelope must be a JSON object, but was "
                            + Problems.what(parser.currentToken())), null);
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
                    throw parts.failure(Problems.at(parser, "unexpected content after the envelope"), null);
                }
            }
            return finish(parts);
        } catch (SerializationException failure) {
            throw failure;
        } catch (IOException | RuntimeException failure) {
            throw parts.failure(Problems.describe(failure, true), failure);
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
            throw parts.failure(Problems.at(parser, "'data' must not be null"), null);
        }
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        TypeRegistry.Registration<?> registration = parts.knowsType() ? resolve(parts) : null;
        if (registration != null && parts.version == registration.version()) {
            parts.payload = readers.apply(registration.topic().type()).readValue(parser);
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
        return readers.apply(registration.topic().type()).readValue(tree);
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
                throw parts.failure("the message belongs to topic " + Problems.quote(parts.source) + ", not to the expected '"
                        + found.topic().name() + "'", null);
            }
            if (!parts.type.equals(found.logicalType())) {
                throw parts.failure("logical type " + Problems.quote(parts.type) + " does not belong to topic '"
                        + found.topic().name() + "', which carries '" + found.logicalType() + "'", null);
            }
        } else {
            found = types.find(parts.type);
            if (found == null) {
                throw parts.failure("unknown logical type " + Problems.quote(parts.type) + ": it is not registered", null);
            }
            if (!parts.source.equals(found.topic().name())) {
                throw parts.failure("logical type '" + found.logicalType() + "' belongs to topic '"
                        + found.topic().name() + "', but the message names topic " + Problems.quote(parts.source), null);
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
                throw parts.failure(Problems.at(parser, "'" + field + "' must not be empty"), null);
            }
            return text;
        }
        if (nullable && token == JsonToken.VALUE_NULL) {
            return null;
        }
        throw parts.failure(Problems.at(parser, "'" + field + "' must be a string, but was " + Problems.what(token)), null);
    }

    private static int version(JsonParser parser, Parts<?> parts) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() != JsonParser.NumberType.INT || parser.getIntValue() < 1) {
            throw parts.failure(Problems.at(parser, "'version' must be an integer from 1 to " + Integer.MAX_VALUE
                    + ", but was " + Problems.what(parser.currentToken())
                    + (parser.currentToken() == JsonToken.VALUE_NUMBER_INT ? " " + Problems.quote(parser.getText()) : "")),
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
                throw parts.failure(Problems.at(parser, "'time' must be an RFC 3339 timestamp such as "
                        + "2026-01-02T03:04:05.678Z, but was " + Problems.quote(parser.getText())), malformed);
            }
        }
        throw parts.failure(Problems.at(parser, "'time' must be a string, but was " + Problems.what(token)), null);
    }

    private static Map<String, String> headers(JsonParser parser, Parts<?> parts) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (token != JsonToken.START_OBJECT) {
            throw parts.failure(Problems.at(parser, "'headers' must be an object of strings, but was " + Problems.what(token)), null);
        }
        Map<String, String> headers = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                throw parts.failure(Problems.at(parser, "header " + Problems.quote(name) + " must be a string, but was "
                        + Problems.what(parser.currentToken())), null);
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
                    : source != null ? Problems.clip(source) : expected != null ? expected.name() : null;
            return SerializationException.decoding(topic, type == null ? null : Problems.clip(type), version, problem, cause);
        }
    }
}
