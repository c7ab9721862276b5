/**
 * The service provider interface: what integrations implement to extend a bus.
 *
 * <ul>
 *   <li>{@link org.busline.spi.Interceptor} observes and shapes messages around publish and delivery.</li>
 *   <li>{@link org.busline.spi.Serializer} turns envelopes into bytes and back, for isolated delivery, stores and
 *       bridges; {@link org.busline.spi.SerializerProvider} lets {@link java.util.ServiceLoader} find one, as it finds
 *       {@code bus-jackson}'s. Every failure of a serializer is a {@link org.busline.spi.SerializationException}.</li>
 *   <li>{@link org.busline.spi.TypeRegistry} names each topic's payload on the wire with a logical type and a schema
 *       version, never a class name; its {@link org.busline.spi.Upcaster}s turn old versions into the current
 *       one.</li>
 * </ul>
 */
package org.busline.spi;
