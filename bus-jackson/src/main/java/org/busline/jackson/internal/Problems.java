package org.busline.jackson.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/**
 * The wording of the serializer's failures: what Jackson reported, said as a problem of the message (malformed JSON
 * at a line and column, a field by its path from {@code data}), and input quoted safely. Stateless.
 */
public final class Problems {
    /** Longest piece of input quoted in an error message. */
    static final int QUOTE_LIMIT = 120;

    private Problems() {
    }

    public static String describe(Throwable failure, boolean decoding) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamConstraintsException) {
                return "limit exceeded: " + ((StreamConstraintsException) cause).getOriginalMessage();
            }
        }
        if (decoding && !(failure instanceof StreamReadException)) {
            // Databind wraps the parser's failures (end of input inside the payload, say): report them as such.
            for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof StreamReadException && !(cause instanceof InputCoercionException)) {
                    return describe(cause, true);
                }
            }
        }
        if (failure instanceof InvalidTypeIdException) {
            InvalidTypeIdException invalid = (InvalidTypeIdException) failure;
            return "unknown or forbidden polymorphic type id " + quote(invalid.getTypeId()) + " at "
                    + path(invalid) + ": " + invalid.getOriginalMessage();
        }
        if (failure instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException unknown = (UnrecognizedPropertyException) failure;
            return "unknown field " + quote(unknown.getPropertyName()) + " at " + path(unknown);
        }
        if (failure instanceof ValueInstantiationException) {
            ValueInstantiationException invalid = (ValueInstantiationException) failure;
            return "invalid value at " + path(invalid) + ": " + (invalid.getCause() != null
                    ? invalid.getCause().toString() : invalid.getOriginalMessage());
        }
        if (failure instanceof MismatchedInputException) {
            MismatchedInputException mismatch = (MismatchedInputException) failure;
            return (decoding ? "wrong or missing value at " : "cannot write ") + path(mismatch) + ": "
                    + mismatch.getOriginalMessage();
        }
        if (failure instanceof JsonMappingException) {
            JsonMappingException mapping = (JsonMappingException) failure;
            return (decoding ? "cannot read " : "cannot write ") + path(mapping) + ": " + mapping.getOriginalMessage();
        }
        if (failure instanceof JsonProcessingException) {
            JsonProcessingException processing = (JsonProcessingException) failure;
            JsonLocation location = processing.getLocation();
            return (decoding ? "malformed JSON" : "cannot write JSON")
                    + (location == null || location.getLineNr() < 0 ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr())
                    + ": " + processing.getOriginalMessage();
        }
        return "unexpected failure: " + failure;
    }

    /** The JSON path of a databind failure, from the payload: {@code data.items[2].sku}. */
    public static String path(JsonMappingException failure) {
        StringBuilder path = new StringBuilder("data");
        for (JsonMappingException.Reference reference : failure.getPath()) {
            if (reference.getFieldName() != null) {
                path.append('.').append(clip(reference.getFieldName()));
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    public static String at(JsonParser parser, String problem) {
        JsonLocation location = parser.currentTokenLocation();
        return problem + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    public static String what(JsonToken token) {
        if (token == null) {
            return "the end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fraction";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    /** Input quoted in a message: at most {@value #QUOTE_LIMIT} characters, control characters replaced. */
    public static String quote(String input) {
        return input == null ? "null" : "'" + clip(input) + "'";
    }

    public static String clip(String input) {
        String clipped = input.length() > QUOTE_LIMIT ? input.substring(0, QUOTE_LIMIT) + "…" : input;
        StringBuilder clean = null;
        for (int i = 0; i < clipped.length(); i++) {
            if (Character.isISOControl(clipped.charAt(i))) {
                if (clean == null) {
                    clean = new StringBuilder(clipped);
                }
                clean.setCharAt(i, '?');
            }
        }
        return clean == null ? clipped : clean.toString();
    }
}
