package org.llmplayground.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeSetupTest {
    @Test
    void glibcTakesTheAllocatorSettingsOnLinux() {
        String state = NativeSetup.install(); // the tests' extension already ran it: the same answer again
        assertEquals(state, NativeSetup.install());
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(state.contains("malloc tuning: on (mmap threshold 32 MiB, trim threshold 1 GiB, top pad 64 MiB)"), state);
        }
        assertTrue(state.startsWith("oneMKL CPU-feature kernels: " + MklKernels.state() + ";"), state);
    }

    @Test
    void offAndBadSettingsAreHonouredAndNamed() {
        String before = System.getProperty(NativeSetup.MALLOC_PROPERTY);
        try {
            System.setProperty(NativeSetup.MALLOC_PROPERTY, "off");
            assertEquals("off: turned off by llm.malloc.tuning=off", NativeSetup.tuneMalloc());
            System.setProperty(NativeSetup.MALLOC_PROPERTY, "always");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, NativeSetup::tuneMalloc);
            assertEquals("llm.malloc.tuning (or LLM_MALLOC_TUNING) must be auto, on or off, not 'always'", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(NativeSetup.MALLOC_PROPERTY);
            } else {
                System.setProperty(NativeSetup.MALLOC_PROPERTY, before);
            }
        }
    }
}
