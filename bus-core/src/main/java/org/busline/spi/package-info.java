/**
 * The service-provider interfaces that integrations implement: {@link org.busline.spi.Interceptor} around publish
 * and delivery (logging, tracing, metrics, MDC), and {@link org.busline.spi.Scheduler} for time and timers.
 */
package org.busline.spi;
