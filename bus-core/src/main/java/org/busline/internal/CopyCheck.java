package org.busline.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.busline.Envelope;
import org.busline.spi.SerializationException;

/**
 * Checks that an isolated copy kept the runtime type of every value of the original: a serializer that cannot (JSON
 * without type information turns a field declared {@code Object} into a {@code LinkedHashMap}) must fail the copy
 * with a clear error rather than hand the subscriber something else. Container classes may change (an immutable list
 * becomes an {@code ArrayList}); the types of their elements may not.
 *
 * <p><b>Threads.</b> Stateless but for a per-class cache of fields ({@link ClassValue}), so thread-safe. It walks the
 * original and the copy side by side through fields, collections, maps and arrays, {@link #MAX_DEPTH} levels deep at
 * most, each object once; classes of {@code java.*} and fields it may not read are taken as they are.
 */
final class CopyCheck {
    static final int MAX_DEPTH = 16;

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && !isPlatform(c); c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()
                            && field.trySetAccessible()) {
                        fields.add(field);
                    }
                }
            }
            return List.copyOf(fields);
        }
    };

    private CopyCheck() {
    }

    /**
     * @throws SerializationException naming the topic, the field and both types if the copy changed a value's type
     */
    static void requireSameTypes(Envelope<?> original, Envelope<?> copy) {
        String problem = compare(original.payload(), copy.payload(), "payload", 0, new IdentityHashMap<>());
        if (problem != null) {
            throw SerializationException.decoding(original.topic().name(), null, 0, "the isolated copy of message "
                    + original.id() + " changed the type of " + problem + ": the serializer did not keep the type of "
                    + "a value whose declared type is wider (such as Object). Declare the field with its type, or make "
                    + "the serializer record the type (with Jackson, @JsonTypeInfo)", null);
        }
    }

    /** A description of the first value whose type changed, or null. */
    private static String compare(Object original, Object copy, String path, int depth,
                                  IdentityHashMap<Object, Boolean> seen) {
        if (original == null || copy == null || depth > MAX_DEPTH) {
            return null;
        }
        Class<?> type = original.getClass();
        if (type != copy.getClass()) {
            boolean sameKind = original instanceof Collection && copy instanceof Collection
                    || original instanceof Map && copy instanceof Map;
            if (!sameKind) {
                return path + " from " + type.getName() + " to " + copy.getClass().getName();
            }
        }
        if (isPlatform(type) && !(original instanceof Collection) && !(original instanceof Map) && !type.isArray()
                || seen.put(original, Boolean.TRUE) != null) {
            return null;
        }
        if (original instanceof Collection) {
            Collection<?> left = (Collection<?>) original;
            Collection<?> right = (Collection<?>) copy;
            if (left.size() != right.size() || !(left instanceof List || left instanceof java.util.SortedSet
                    || left instanceof java.util.LinkedHashSet)) {
                return null;
            }
            Iterator<?> rightItems = right.iterator();
            int index = 0;
            for (Object item : left) {
                String problem = compare(item, rightItems.next(), path + "[" + index++ + "]", depth + 1, seen);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        if (original instanceof Map) {
            Map<?, ?> right = (Map<?, ?>) copy;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) original).entrySet()) {
                String problem = compare(entry.getValue(), right.get(entry.getKey()),
                        path + "[" + entry.getKey() + "]", depth + 1, seen);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        if (type.isArray()) {
            if (type.getComponentType().isPrimitive()) {
                return null;
            }
            Object[] left = (Object[]) original;
            Object[] right = (Object[]) copy;
            for (int i = 0; i < Math.min(left.length, right.length); i++) {
                String problem = compare(left[i], right[i], path + "[" + i + "]", depth + 1, seen);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        for (Field field : FIELDS.get(type)) {
            String problem;
            try {
                problem = compare(field.get(original), field.get(copy), "field '" + field.getName() + "' of "
                        + field.getDeclaringClass().getName() + " (in " + path + ")", depth + 1, seen);
            } catch (IllegalAccessException notReadable) {
                continue;
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static boolean isPlatform(Class<?> type) {
        String name = type.getName();
        return type.isPrimitive() || name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.");
    }
}
