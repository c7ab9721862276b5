package org.busline.test.internal;

import org.busline.test.Topology;

/**
 * The details of one subscription or responder of a topology, kept for its JSON and its diagram.
 *
 * @param module   the module it belongs to
 * @param name     the subscription's name
 * @param kind     {@code SUBSCRIBES}, {@code ANSWERS} or {@code DURABLE}
 * @param selector the topic's name or the pattern
 * @param async    true if it has a mailbox
 */
public record Consumer(String module, String name, Topology.Kind kind, String selector, boolean async) {
}
