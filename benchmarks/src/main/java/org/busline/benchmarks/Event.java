package org.busline.benchmarks;

/**
 * The small event every scenario publishes: one final field, the index of the producer thread that published it
 * (the asynchronous scenarios count handled messages per producer; the synchronous ones ignore it).
 */
public final class Event {
    /** Which producer thread published this event: 0, or 0 and 1 in the multi-producer scenario. */
    public final int producer;

    /**
     * Makes an event.
     *
     * @param producer the index of the producer thread
     */
    public Event(int producer) {
        this.producer = producer;
    }
}
