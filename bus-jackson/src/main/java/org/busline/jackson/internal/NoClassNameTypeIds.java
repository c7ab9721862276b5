package org.busline.jackson.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Refuses every polymorphic type id that is a class name ({@code @JsonTypeInfo(use = Id.CLASS)} or
 * {@code Id.MINIMAL_CLASS}), before the class is loaded or initialized.
 *
 * <p>Jackson consults this validator only for class-name ids; ids by name ({@code Id.NAME}) are resolved among the
 * subtypes the code registers and never reach it. So the input can choose among the allow-listed subtypes and
 * nothing else. Stateless and thread-safe.
 */
public final class NoClassNameTypeIds extends PolymorphicTypeValidator.Base {
    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return Validity.DENIED;
    }
}
