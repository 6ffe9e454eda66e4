#!/usr/bin/env bash
# oneDNN's own error on the inputs the strided sweeps give our kernels (every
# 256th float bit pattern), on this machine's best instruction set and capped
# at AVX2 (DNNL_MAX_CPU_ISA), for every function the kernel benchmark
# compares with oneDNN. Writes bench/results/accuracy/onednn_ulp_stride256.txt;
# bench/accuracy/render_accuracy.py renders it into docs/accuracy.md.
#   bench/accuracy/sweep_onednn.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
out=bench/results/accuracy/onednn_ulp_stride256.txt
functions=relu,leaky_relu,prelu,relu6,hardtanh,hardswish,sigmoid,tanh,elu,gelu,silu,mish,softplus,logsigmoid
cmake --build "$build" --target ulp_sweep
sweep() { "$build/bench/accuracy/ulp_sweep" --kernel onednn --stride 256 --mode both --threads 2 "$@"; }
{
  echo "# ulp_sweep --kernel onednn --stride 256 --mode both --threads 2 --function $functions; then --function gelu --param approximate=1"
  echo "# the same with DNNL_MAX_CPU_ISA=AVX2; oneDNN $(dpkg-query -W -f='${Version}' libdnnl2 2>/dev/null || echo '?') (Debian libdnnl2)"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  for cap in "" AVX2; do
    export DNNL_MAX_CPU_ISA=${cap:-ALL}
    sweep --function "$functions"
    sweep --function gelu --param approximate=1
  done
} > "$out.tmp"
mv "$out.tmp" "$out"
python3 bench/accuracy/render_accuracy.py
