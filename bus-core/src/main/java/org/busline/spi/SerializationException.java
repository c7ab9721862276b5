package org.busline.spi;

/**
 * The one exception a {@link Serializer} throws when it cannot encode or decode a message: malformed input, an
 * unknown logical type, a missing or mistyped field, an exceeded limit, a failed upcaster, a payload it cannot write.
 *
 * <p>The message names the direction, the topic, the logical type and the schema version as far as they are known,
 * then what was wrong, as in {@code cannot decode a message (topic 'orders.placed', type 'orders.placed',
 * version 2): malformed JSON at line 1, column 57: Unexpected end-of-input}. The parts are also available one by
 * one. A decoder that throws it has handed nobody a half-built object.
 *
 * <p>Instances are immutable once thrown.
 */
public final class SerializationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean decoding;
    private final String topic;
    private final String logicalType;
    private final int version;
    private final String problem;

    private SerializationException(boolean decoding, String topic, String logicalType, int version, String problem,
                                   Throwable cause) {
        super(describe(decoding, topic, logicalType, version, problem), cause);
        this.decoding = decoding;
        this.topic = topic;
        this.logicalType = logicalType;
        this.version = version;
        this.problem = problem;
    }

    /**
     * Returns an exception for a message that could not be decoded.
     *
     * @param topic       the topic's name as far as it is known, or null
     * @param logicalType the logical type as far as it is known, or null
     * @param version     the schema version as far as it is known, or 0
     * @param problem     what was wrong, in a few words; not null
     * @param cause       the underlying exception, or null
     * @return the exception, to throw
     * @throws NullPointerException if {@code problem} is null
     */
    public static SerializationException decoding(String topic, String logicalType, int version, String problem,
                                                  Throwable cause) {
        return new SerializationException(true, topic, logicalType, version, requireProblem(problem), cause);
    }

    /**
     * Returns an exception for a message that could not be encoded.
     *
     * @param topic       the topic's name, or null if unknown
     * @param logicalType the logical type, or null if unknown
     * @param version     the schema version, or 0 if unknown
     * @param problem     what was wrong, in a few words; not null
     * @param cause       the underlying exception, or null
     * @return the exception, to throw
     * @throws NullPointerException if {@code problem} is null
     */
    public static SerializationException encoding(String topic, String logicalType, int version, String problem,
                                                  Throwable cause) {
        return new SerializationException(false, topic, logicalType, version, requireProblem(problem), cause);
    }

    /**
     * Tells whether decoding failed (true) or encoding (false).
     *
     * @return true for a decoding failure
     */
    public boolean isDecoding() {
        return decoding;
    }

    /**
     * Returns the topic's name.
     *
     * @return the name, or null if the failure came before it was known
     */
    public String topic() {
        return topic;
    }

    /**
     * Returns the logical type.
     *
     * @return the logical type, or null if the failure came before it was known
     */
    public String logicalType() {
        return logicalType;
    }

    /**
     * Returns the schema version.
     *
     * @return the version, or 0 if the failure came before it was known
     */
    public int version() {
        return version;
    }

    /**
     * Returns what was wrong, without the topic, type and version that {@link #getMessage()} adds.
     *
     * @return the problem, never null
     */
    public String problem() {
        return problem;
    }

    private static String requireProblem(String problem) {
        if (problem == null) {
            throw new NullPointerException("problem");
        }
        return problem;
    }

    private static String describe(boolean decoding, String topic, String logicalType, int version, String problem) {
        return "cannot " + (decoding ? "decode" : "encode") + " a message (topic "
                + (topic == null ? "?" : "'" + topic + "'") + ", type "
                + (logicalType == null ? "?" : "'" + logicalType + "'") + ", version "
                + (version <= 0 ? "?" : Integer.toString(version)) + "): " + problem;
    }
}
