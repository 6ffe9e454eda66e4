#include "bench/kernels/onednn_eltwise.h"

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

namespace activation::bench {
namespace {

struct Mapping {
  std::string_view label;
  dnnl::algorithm algorithm;
  float alpha, beta;
};

// Catalogue defaults expressed in oneDNN 2.6's eltwise algorithms.
constexpr Mapping kMappings[] = {
    {"relu", dnnl::algorithm::eltwise_relu, 0.0f, 0.0f},
    {"leaky_relu", dnnl::algorithm::eltwise_relu, 0.01f, 0.0f},
    {"prelu", dnnl::algorithm::eltwise_relu, 0.25f, 0.0f},
    {"sigmoid", dnnl::algorithm::eltwise_logistic, 0.0f, 0.0f},
    {"tanh", dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f},
    {"elu", dnnl::algorithm::eltwise_elu, 1.0f, 0.0f},
    {"gelu", dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f},
    {"gelu_tanh", dnnl::algorithm::eltwise_gelu_tanh, 0.0f, 0.0f},
    {"silu", dnnl::algorithm::eltwise_swish, 1.0f, 0.0f},
    {"mish", dnnl::algorithm::eltwise_mish, 0.0f, 0.0f},
    {"softplus", dnnl::algorithm::eltwise_soft_relu, 0.0f, 0.0f},
    {"logsigmoid", dnnl::algorithm::eltwise_logsigmoid, 0.0f, 0.0f},
    {"hardswish", dnnl::algorithm::eltwise_hardswish, 0.0f, 0.0f},
    {"relu6", dnnl::algorithm::eltwise_clip, 0.0f, 6.0f},
    {"hardtanh", dnnl::algorithm::eltwise_clip, -1.0f, 1.0f},
};

}  // namespace

struct OneDnnEltwise::Impl {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::memory::desc desc;
  dnnl::eltwise_forward forward;
  dnnl::eltwise_backward backward;
};

OneDnnEltwise::OneDnnEltwise(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OneDnnEltwise::~OneDnnEltwise() = default;

std::unique_ptr<OneDnnEltwise> OneDnnEltwise::For(std::string_view label, std::size_t n) {
  for (const Mapping& m : kMappings) {
    if (m.label != label) continue;
    auto impl = std::make_unique<Impl>();
    impl->desc = dnnl::memory::desc({static_cast<dnnl::memory::dim>(n)}, dnnl::memory::data_type::f32,
                                    dnnl::memory::format_tag::a);
    const dnnl::eltwise_forward::primitive_desc forward_pd(
        {dnnl::prop_kind::forward_training, m.algorithm, impl->desc, m.alpha, m.beta}, impl->engine);
    const dnnl::eltwise_backward::primitive_desc backward_pd(
        {m.algorithm, impl->desc, impl->desc, m.alpha, m.beta}, impl->engine, forward_pd);
    impl->forward = dnnl::eltwise_forward(forward_pd);
    impl->backward = dnnl::eltwise_backward(backward_pd);
    return std::unique_ptr<OneDnnEltwise>(new OneDnnEltwise(std::move(impl)));
  }
  return nullptr;
}

void OneDnnEltwise::Forward(const float* x, float* out) {
  dnnl::memory src(impl_->desc, impl_->engine, const_cast<float*>(x));
  dnnl::memory dst(impl_->desc, impl_->engine, out);
  impl_->forward.execute(impl_->stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  impl_->stream.wait();
}

void OneDnnEltwise::Backward(const float* x, const float* diff_dst, float* diff_src) {
  dnnl::memory src(impl_->desc, impl_->engine, const_cast<float*>(x));
  dnnl::memory dd(impl_->desc, impl_->engine, const_cast<float*>(diff_dst));
  dnnl::memory ds(impl_->desc, impl_->engine, diff_src);
  impl_->backward.execute(impl_->stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, ds}});
  impl_->stream.wait();
}

void UseOneThreadForOneDnn() { omp_set_num_threads(1); }

std::string_view OneDnnIsa() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

}  // namespace activation::bench
