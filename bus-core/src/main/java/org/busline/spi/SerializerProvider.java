package org.busline.spi;

/**
 * Makes {@link Serializer}s; the service that {@link java.util.ServiceLoader} finds, so that a bus can use a
 * serializer module found on the class path or module path without being told.
 *
 * <p>A module provides it with {@code provides org.busline.spi.SerializerProvider with …} in its
 * {@code module-info.java} and, for the class path, a {@code META-INF/services/org.busline.spi.SerializerProvider}
 * file. A bus with no serializer set asks the first provider found, once, when it first needs one, and passes it the
 * {@link TypeRegistry} given to {@code MessageBus.Builder#types}. Implementations need a public no-argument
 * constructor and must be thread-safe.
 */
public interface SerializerProvider {
    /**
     * Makes a serializer with its defaults and the given types.
     *
     * @param types the logical types and upcasters to use; not null
     * @return a serializer, never null
     * @throws NullPointerException if {@code types} is null
     */
    Serializer create(TypeRegistry types);
}
