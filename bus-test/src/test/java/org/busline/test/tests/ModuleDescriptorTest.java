package org.busline.test.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModuleDescriptorTest {

    @Test
    void theModuleExportsOnlyItsApiPackageAndPassesItsDependenciesOn() {
        ModuleDescriptor module = ModuleFinder.of(Path.of("target", "classes")).find("org.busline.test")
                .orElseThrow().descriptor();

        assertThat(module.exports()).singleElement().satisfies(exports -> {
            assertThat(exports.source()).isEqualTo("org.busline.test");
            assertThat(exports.isQualified()).isFalse();
        });
        assertThat(module.packages()).containsExactlyInAnyOrder("org.busline.test", "org.busline.test.internal");
        assertThat(module.requires())
                .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("org.busline", "org.assertj.core", "org.junit.jupiter.api");
    }
}
