/**
 * The service-provider interfaces that integrations implement.
 *
 * <ul>
 *   <li>{@link org.busline.spi.Interceptor} works around publish and delivery (logging, tracing, metrics, MDC).</li>
 *   <li>{@link org.busline.spi.Scheduler} gives time and timers.</li>
 *   <li>{@link org.busline.spi.Serializer} turns envelopes into bytes and back, for isolated delivery, stores and
 *       bridges; {@link org.busline.spi.SerializerProvider} lets {@link java.util.ServiceLoader} find one, as it finds
 *       {@code bus-jackson}'s. Every failure of a serializer is a {@link org.busline.spi.SerializationException}.</li>
 *   <li>{@link org.busline.spi.TypeRegistry} names each topic's payload on the wire with a logical type and a schema
 *       version, never a class name; its {@link org.busline.spi.Upcaster}s turn old versions into the current
 *       one.</li>
 * </ul>
 */
package org.busline.spi;
