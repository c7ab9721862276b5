package org.busline.jackson.internal;

import java.util.Objects;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.Serializer;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;

/**
 * What {@link java.util.ServiceLoader} finds: makes a {@link JacksonSerializer} with its defaults for a bus that
 * was given no serializer.
 */
public final class JacksonSerializerProvider implements SerializerProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public JacksonSerializerProvider() {
    }

    @Override
    public Serializer create(TypeRegistry types) {
        return JacksonSerializer.create(Objects.requireNonNull(types, "types"));
    }

    @Override
    public String toString() {
        return "JacksonSerializerProvider";
    }
}
