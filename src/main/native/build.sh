#!/bin/sh
# Rebuilds the one native file the app ships (see mkl_intel_kernels.c for what it does and why).
set -e
cd "$(dirname "$0")"
gcc -shared -fPIC -O2 -nostdlib -Wl,-soname,libllmp_mkl_intel_kernels.so -Wl,--build-id=none -s \
    -o ../resources/native/linux-x86_64/libllmp_mkl_intel_kernels.so mkl_intel_kernels.c
