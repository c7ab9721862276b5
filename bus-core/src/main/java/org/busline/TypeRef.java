package org.busline;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Objects;

/**
 * A type token: captures a full generic type such as {@code Envelope<OrderPlaced>} that a {@link Class} cannot
 * express, so that a subscriber of {@code Wrapper<OrderPlaced>} never receives a {@code Wrapper<PaymentFailed>}.
 *
 * <p>Create one with an anonymous subclass: {@code new TypeRef<Wrapper<OrderPlaced>>() {}}, then turn it into a
 * topic with {@link Topic#of(TypeRef)}. Two type tokens are equal when they capture equal types. Instances are
 * immutable and thread-safe.
 *
 * @param <T> the captured type
 */
public abstract class TypeRef<T> {
    private final Type type;
    private final Class<? super T> rawType;

    /**
     * Captures the type argument of the anonymous subclass being created.
     *
     * @throws IllegalArgumentException if the subclass does not give a concrete type argument, for example
     *                                  {@code new TypeRef<T>() {}} inside a generic method
     */
    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType)) {
            throw new IllegalArgumentException(
                    "TypeRef must be created as an anonymous subclass with a type argument, "
                            + "as in new TypeRef<List<String>>() {}, but was " + getClass().getName());
        }
        this.type = ((ParameterizedType) superclass).getActualTypeArguments()[0];
        requireConcrete(type, type);
        this.rawType = rawTypeOf(type);
    }

    private TypeRef(Type type) {
        requireConcrete(type, type);
        this.type = type;
        this.rawType = rawTypeOf(type);
    }

    /**
     * Returns a type token for a plain class.
     *
     * @param type the class, not null
     * @param <T>  the class's type
     * @return a token whose {@link #type()} is {@code type}
     * @throws NullPointerException if {@code type} is null
     */
    public static <T> TypeRef<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new TypeRef<>(type) { };
    }

    /**
     * Returns a type token for a reflected type, as a framework finds it with
     * {@link java.lang.reflect.Method#getGenericParameterTypes()}.
     *
     * @param type a class or a parameterized type whose arguments are concrete; not null
     * @return a token whose {@link #type()} is {@code type}
     * @throws NullPointerException     if {@code type} is null
     * @throws IllegalArgumentException if the type is a type variable, a wildcard or an array of them, or contains
     *                                  one
     */
    public static TypeRef<?> of(Type type) {
        Objects.requireNonNull(type, "type");
        return new TypeRef<Object>(type) { };
    }

    /**
     * Returns the captured type: a {@link Class} or a {@link ParameterizedType}.
     *
     * @return the captured type, never null
     */
    public final Type type() {
        return type;
    }

    /**
     * Returns the erasure of the captured type, the class that every message of this type is an instance of.
     *
     * @return the raw class, never null
     */
    public final Class<? super T> rawType() {
        return rawType;
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof TypeRef && type.equals(((TypeRef<?>) other).type);
    }

    @Override
    public final int hashCode() {
        return type.hashCode();
    }

    @Override
    public final String toString() {
        return type.getTypeName();
    }

    private static void requireConcrete(Type type, Type whole) {
        if (type instanceof TypeVariable || type instanceof WildcardType) {
            throw new IllegalArgumentException("TypeRef needs a concrete type, but " + whole.getTypeName()
                    + " contains the type variable or wildcard " + type.getTypeName());
        }
        if (type instanceof ParameterizedType) {
            for (Type argument : ((ParameterizedType) type).getActualTypeArguments()) {
                requireConcrete(argument, whole);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<? super T> rawTypeOf(Type type) {
        if (type instanceof Class) {
            return (Class<? super T>) type;
        }
        if (type instanceof ParameterizedType) {
            return (Class<? super T>) ((ParameterizedType) type).getRawType();
        }
        throw new IllegalArgumentException("TypeRef supports classes and parameterized types, but was "
                + type.getTypeName());
    }
}
