/*
 * libtorch (the PyTorch engine's native library) links Intel oneMKL statically, and oneMKL chooses its matrix kernels
 * by CPU vendor: on a CPU that does not say "GenuineIntel" it runs a generic AVX2 path even when the CPU has AVX-512
 * (AMD Zen 4 and later). oneMKL asks one exported function which way to go; answering "yes" selects the kernels by
 * the CPU's feature bits (CPUID) alone, as on an Intel CPU. No environment variable does this in oneMKL 2020.1+
 * (MKL_DEBUG_CPU_TYPE was removed; MKL_CBWR and MKL_ENABLE_INSTRUCTIONS were measured without effect, see
 * docs/benchmarks.md).
 *
 * Loaded with RTLD_GLOBAL before libtorch by org.llmplayground.core.MklKernels, so the dynamic linker binds
 * libtorch's call to this definition instead of oneMKL's own. Built without libc so it loads on any x86-64 Linux:
 *   src/main/native/build.sh
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
