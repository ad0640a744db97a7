package org.llmplayground.core;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MklKernelsTest {
    @Test
    void autoLoadsOnAnAmdCpuUnderLinuxX64Only() {
        assertNull(MklKernels.reasonNotToLoad("auto", "Linux", "amd64", "AuthenticAMD"));
        assertEquals("not an AMD CPU (GenuineIntel): oneMKL already uses its best kernels",
                MklKernels.reasonNotToLoad("auto", "Linux", "amd64", "GenuineIntel"));
        assertEquals("only for Linux x86-64, this is Mac OS X aarch64", MklKernels.reasonNotToLoad("auto", "Mac OS X", "aarch64", null));
        assertEquals("only for Linux x86-64, this is Linux aarch64", MklKernels.reasonNotToLoad("on", "Linux", "aarch64", null));
    }

    @Test
    void onLoadsOnAnyLinuxX64AndOffNeverLoads() {
        assertNull(MklKernels.reasonNotToLoad("on", "Linux", "x86_64", "GenuineIntel"));
        assertNull(MklKernels.reasonNotToLoad(" ON ", "Linux", "amd64", null));
        assertEquals("turned off by llm.mkl.intel-kernels=off", MklKernels.reasonNotToLoad("off", "Linux", "amd64", "AuthenticAMD"));
    }

    @Test
    void aBadSettingIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MklKernels.reasonNotToLoad("yes", "Linux", "amd64", "AuthenticAMD"));
        assertEquals("llm.mkl.intel-kernels (or LLM_MKL_INTEL_KERNELS) must be auto, on or off, not 'yes'", e.getMessage());
    }

    @Test
    void theShippedLibraryIsAnX8664SharedObject() throws Exception {
        try (var in = MklKernels.class.getResourceAsStream(MklKernels.RESOURCE)) {
            byte[] elf = in.readAllBytes();
            assertEquals(0x7f, elf[0]);
            assertEquals("ELF", new String(elf, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(2, elf[4]); // 64-bit
            assertEquals(62, elf[18]); // EM_X86_64
        }
    }

    /**
     * The binding itself, on the machine this runs on: oneMKL's mkl_serv_cpu_detect() names the kernel branch it chose.
     * On this project's AMD EPYC (AVX-512) it is 0, the generic path, without the library and 7 with it; on an Intel
     * CPU it is never 0. So: not the generic path once installed.
     */
    @Test
    void libtorchsVendorCheckAnswersYesOnceInstalled() {
        Assumptions.assumeTrue(MklKernels.install().equals("on"), "not loaded here: " + MklKernels.state());
        try (NDManager m = NDManager.newBaseManager()) { // loads libtorch
            m.ones(new ai.djl.ndarray.types.Shape(2, 2)).matMul(m.ones(new ai.djl.ndarray.types.Shape(2, 2)));
        }
        Path torch = libtorchCpu();
        Function detect = NativeLibrary.getInstance(torch.toString()).getFunction("mkl_serv_cpu_detect");
        assertNotEquals(0, detect.invokeInt(new Object[0]), "oneMKL still runs its generic kernels");
    }

    private static Path libtorchCpu() {
        try (var dirs = Files.walk(Path.of(System.getProperty("user.home"), ".djl.ai", "pytorch"), 2)) {
            return dirs.filter(p -> p.getFileName().toString().equals("libtorch_cpu.so")).findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
