package org.busline.spi;

import java.util.Map;

/**
 * Turns the data of one schema version of a logical type into the next version, so that messages stored or in flight
 * before a schema change still decode after it. Registered with {@link TypeRegistry.Builder#upcaster}; a serializer
 * runs the chain {@code v1 -> v2 -> … -> current} when it decodes a message of an older version, before it binds
 * the data to the payload's Java type.
 *
 * <p>The data is given in a representation that every serializer can produce, the JSON data model: a
 * {@code Map<String, Object>} whose values are maps of the same kind, {@code List<Object>}, {@code String},
 * {@code Number} ({@code Integer}, {@code Long}, {@code BigInteger}, {@code Double} or {@code BigDecimal}),
 * {@code Boolean} or null. Both the map and its nested maps and lists are mutable and owned by the upcaster.
 *
 * <p>Called on the decoding thread, possibly by several threads at once: implementations must be stateless or
 * thread-safe. What it throws fails the decoding with a {@link SerializationException} naming the step.
 *
 * <pre>{@code
 * // v1 had "name"; v2 splits it into "first" and "last"
 * Upcaster splitName = data -> {
 *     String[] parts = ((String) data.remove("name")).split(" ", 2);
 *     data.put("first", parts[0]);
 *     data.put("last", parts.length > 1 ? parts[1] : "");
 *     return data;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Upcaster {
    /**
     * Turns data of version N into data of version N + 1.
     *
     * @param data the data of version N; never null, mutable
     * @return the data of version N + 1: {@code data} changed in place, or a new map (which the registry copies into
     *         a mutable one for the next step, top level only); not null
     */
    Map<String, Object> upcast(Map<String, Object> data);
}
