package org.busline.outbox.internal;

/**
 * The names of the outbox's tables, made of a checked prefix.
 *
 * @param outbox  the outbox table
 * @param inbox   the inbox table
 * @param version the schema version table
 */
public record Tables(String outbox, String inbox, String version) {
    /**
     * Names the tables of a prefix.
     *
     * @param prefix the prefix, already checked to be a plain identifier
     * @return the names
     */
    public static Tables of(String prefix) {
        return new Tables(prefix + "outbox", prefix + "inbox", prefix + "outbox_schema");
    }
}
