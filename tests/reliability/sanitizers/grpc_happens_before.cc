// LD_PRELOADed into the TSan run of the server tests (.ci/stages/20-sanitizers.sh);
// never part of a product build. Not a suppression: it adds the happens-before
// edges of the uninstrumented libraries that TSan cannot see, so that what
// remains reported is a race by the rules those libraries document.
//
// Debian's gRPC is not built with TSan, so the thread hand-offs inside it
// (completion queues, combiners, executors: atomics and absl::Mutex on
// futexes) are invisible, and everything our instrumented code (and gRPC's
// own header code compiled into it) touches on one gRPC thread and then on
// another looks like a race. This shim tells TSan the ordering gRPC's API
// guarantees, and nothing more: everything a thread did before starting a
// batch (or requesting a call, or asking for shutdown) with tag T happens
// before that tag's completion is delivered, whether to a callback functor
// (callback API) or out of grpc_completion_queue_next/pluck (sync and
// async API). One sync object per tag, so unrelated calls stay unordered and
// a real race between two calls (or two reactions of one call that gRPC
// does not order) is still reported.
//
// For callback completion queues the tag is a grpc_completion_queue_functor
// that gRPC runs from its own threads, so its functor_run is wrapped by a
// trampoline that acquires first; the original is kept in a table keyed by
// the functor's address (relaxed atomics: the table must not add edges).
//
// absl::Mutex and absl::CondVar (under grpc::internal::Mutex, gpr_mu and
// grpc_core::Mutex, so under gRPC's executors and the reactors' backlog) are
// real locks that abseil annotates for TSan only when itself built with it:
// the same acquire-after-lock / release-before-unlock is added here.
//
// OnDone: gRPC++ calls it once the last reaction has dropped the call's
// reference count (callbacks_outstanding_, acq_rel), but hands it to its
// executor through lock-free queues TSan cannot see, and a cancelled call
// drops its last reference inside libgrpc++, uninstrumented. Here OnDone runs
// on the thread that dropped the last reference (as gRPC already does for
// inlineable reactors), after an acquire of that count: the ordering TSan sees
// is then the count's own, which is exactly gRPC's guarantee (OnDone after
// every reaction and after Finish).
//
// Server shutdown: each callback RPC holds a reference on the grpc::Server,
// dropped after its OnDone returns (UnrefWithPossibleNotify, an acq_rel
// fetch_sub in libgrpc++); Shutdown waits for the count to reach zero
// (UnrefAndWaitLocked). Only the last decrement takes the mutex, so without
// this edge an earlier OnDone looked concurrent with the objects destroyed
// after Shutdown returned (the observers it reports to). Release before each
// drop, acquire once the wait is over: every OnDone before Shutdown returns,
// gRPC's documented guarantee.
#include <dlfcn.h>
#include <link.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include <absl/synchronization/mutex.h>
#include <grpc/grpc.h>

namespace {

using Run = void (*)(grpc_completion_queue_functor*, int);

// --- functor -> original functor_run (open addressing, never shrinks) ---
constexpr std::size_t kSlots = std::size_t{1} << 20;
struct Slot {
  std::atomic<std::uintptr_t> key{0};
  std::atomic<Run> run{nullptr};
};
Slot* Table() {
  static Slot* table = new Slot[kSlots];
  return table;
}
std::size_t Hash(std::uintptr_t key) { return (key >> 4) * 0x9E3779B97F4A7C15ull >> 44; }  // 20 bits

bool Remember(grpc_completion_queue_functor* functor, Run run) {
  const auto key = reinterpret_cast<std::uintptr_t>(functor);
  for (std::size_t i = Hash(key), probes = 0; probes < 64; i = (i + 1) % kSlots, ++probes) {
    Slot& slot = Table()[i];
    std::uintptr_t seen = slot.key.load(std::memory_order_relaxed);
    if (seen == 0 && slot.key.compare_exchange_strong(seen, key, std::memory_order_relaxed)) seen = key;
    if (seen == key) {
      slot.run.store(run, std::memory_order_relaxed);
      return true;
    }
  }
  return false;  // table crowded here: leave this tag unwrapped (a false report at worst, never a hidden one)
}

Run Original(grpc_completion_queue_functor* functor) {
  const auto key = reinterpret_cast<std::uintptr_t>(functor);
  for (std::size_t i = Hash(key), probes = 0; probes < 64; i = (i + 1) % kSlots, ++probes) {
    Slot& slot = Table()[i];
    if (slot.key.load(std::memory_order_relaxed) == key) return slot.run.load(std::memory_order_relaxed);
  }
  __builtin_trap();  // wrapped means remembered
}

void Trampoline(grpc_completion_queue_functor* functor, int ok) {
  __tsan_acquire(functor);
  Original(functor)(functor, ok);
}

// --- is this tag a functor? Its first word is then a function (in an
// executable segment); other tags are C++ objects whose first word is a
// vtable pointer (read-only data) ---
struct Range {
  std::uintptr_t begin, end;
};
const std::vector<Range>& CodeRanges() {
  static const std::vector<Range> ranges = [] {
    std::vector<Range> found;
    dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* out) {
          for (int i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr)& ph = info->dlpi_phdr[i];
            if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
              const std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
              static_cast<std::vector<Range>*>(out)->push_back({begin, begin + ph.p_memsz});
            }
          }
          return 0;
        },
        &found);
    return found;
  }();
  return ranges;
}
bool IsCode(const void* p) {
  const auto address = reinterpret_cast<std::uintptr_t>(p);
  for (const Range& r : CodeRanges()) {
    if (address >= r.begin && address < r.end) return true;
  }
  return false;
}

// Called before gRPC gets `tag`.
void Handoff(void* tag) {
  if (reinterpret_cast<std::uintptr_t>(tag) < 4096) return;  // not a pointer: an integer tag
  __tsan_release(tag);
  auto* functor = static_cast<grpc_completion_queue_functor*>(tag);
  const Run run = functor->functor_run;
  if (run == &Trampoline || !IsCode(reinterpret_cast<const void*>(run))) return;
  if (Remember(functor, run)) functor->functor_run = &Trampoline;
}

template <typename F>
F Next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

// The next definition of a member function, called with `this` first.
#define REAL(Ret, mangled, ...) static const auto real = Next<Ret (*)(__VA_ARGS__)>(mangled)

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  REAL(void, "_ZN4absl7debian35Mutex4LockEv", Mutex*);
  real(this);
  __tsan_acquire(this);
}
void Mutex::ReaderLock() {
  REAL(void, "_ZN4absl7debian35Mutex10ReaderLockEv", Mutex*);
  real(this);
  __tsan_acquire(this);
}
bool Mutex::TryLock() {
  REAL(bool, "_ZN4absl7debian35Mutex7TryLockEv", Mutex*);
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}
bool Mutex::ReaderTryLock() {
  REAL(bool, "_ZN4absl7debian35Mutex13ReaderTryLockEv", Mutex*);
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}
void Mutex::Unlock() {
  REAL(void, "_ZN4absl7debian35Mutex6UnlockEv", Mutex*);
  __tsan_release(this);
  real(this);
}
void Mutex::ReaderUnlock() {
  REAL(void, "_ZN4absl7debian35Mutex12ReaderUnlockEv", Mutex*);
  __tsan_release(this);
  real(this);
}
void Mutex::LockWhen(const Condition& condition) {
  REAL(void, "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE", Mutex*, const Condition&);
  real(this, condition);
  __tsan_acquire(this);
}
void Mutex::Await(const Condition& condition) {  // unlocks while waiting
  REAL(void, "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE", Mutex*, const Condition&);
  __tsan_release(this);
  real(this, condition);
  __tsan_acquire(this);
}
bool Mutex::AwaitWithDeadline(const Condition& condition, absl::Time deadline) {
  REAL(bool, "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE", Mutex*, const Condition&,
       absl::Time);
  __tsan_release(this);
  const bool met = real(this, condition, deadline);
  __tsan_acquire(this);
  return met;
}
void CondVar::Wait(Mutex* mu) {
  REAL(void, "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE", CondVar*, Mutex*);
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(mu);
}
bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  REAL(bool, "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE", CondVar*, Mutex*, absl::Time);
  __tsan_release(mu);
  const bool timed_out = real(this, mu, deadline);
  __tsan_acquire(mu);
  return timed_out;
}
bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  REAL(bool, "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE", CondVar*, Mutex*,
       absl::Duration);
  __tsan_release(mu);
  const bool timed_out = real(this, mu, timeout);
  __tsan_acquire(mu);
  return timed_out;
}

ABSL_NAMESPACE_END
}  // namespace absl

extern "C" {

grpc_call_error grpc_call_start_batch(grpc_call* call, const grpc_op* ops, size_t nops, void* tag, void* reserved) {
  static auto real = Next<decltype(&grpc_call_start_batch)>("grpc_call_start_batch");
  Handoff(tag);
  return real(call, ops, nops, tag, reserved);
}

grpc_call_error grpc_server_request_call(grpc_server* server, grpc_call** call, grpc_call_details* details,
                                         grpc_metadata_array* request_metadata, grpc_completion_queue* cq_bound,
                                         grpc_completion_queue* cq_notify, void* tag) {
  static auto real = Next<decltype(&grpc_server_request_call)>("grpc_server_request_call");
  Handoff(tag);
  return real(server, call, details, request_metadata, cq_bound, cq_notify, tag);
}

grpc_call_error grpc_server_request_registered_call(grpc_server* server, void* method, grpc_call** call,
                                                    gpr_timespec* deadline, grpc_metadata_array* request_metadata,
                                                    grpc_byte_buffer** payload, grpc_completion_queue* cq_bound,
                                                    grpc_completion_queue* cq_notify, void* tag) {
  static auto real = Next<decltype(&grpc_server_request_registered_call)>("grpc_server_request_registered_call");
  Handoff(tag);
  return real(server, method, call, deadline, request_metadata, payload, cq_bound, cq_notify, tag);
}

void grpc_server_shutdown_and_notify(grpc_server* server, grpc_completion_queue* cq, void* tag) {
  static auto real = Next<decltype(&grpc_server_shutdown_and_notify)>("grpc_server_shutdown_and_notify");
  Handoff(tag);
  real(server, cq, tag);
}

grpc_event grpc_completion_queue_next(grpc_completion_queue* cq, gpr_timespec deadline, void* reserved) {
  static auto real = Next<decltype(&grpc_completion_queue_next)>("grpc_completion_queue_next");
  const grpc_event event = real(cq, deadline, reserved);
  if (event.type == GRPC_OP_COMPLETE && event.tag != nullptr) __tsan_acquire(event.tag);
  return event;
}

grpc_event grpc_completion_queue_pluck(grpc_completion_queue* cq, void* tag, gpr_timespec deadline, void* reserved) {
  static auto real = Next<decltype(&grpc_completion_queue_pluck)>("grpc_completion_queue_pluck");
  const grpc_event event = real(cq, tag, deadline, reserved);
  if (event.type == GRPC_OP_COMPLETE && event.tag != nullptr) __tsan_acquire(event.tag);
  return event;
}

}  // extern "C"

namespace grpc::internal {
class ServerCallbackCall {
 public:
  void ScheduleOnDone(bool inline_ondone);
};
void ServerCallbackCall::ScheduleOnDone(bool /*inline_ondone*/) {
  REAL(void, "_ZN4grpc8internal18ServerCallbackCall14ScheduleOnDoneEb", ServerCallbackCall*, bool);
  // grpcpp/support/server_callback.h (1.51): vptr, on_cancel_conditions_remaining_, callbacks_outstanding_.
  constexpr std::size_t kCallbacksOutstandingOffset = 12;
  auto* count = reinterpret_cast<std::atomic<int>*>(reinterpret_cast<char*>(this) + kCallbacksOutstandingOffset);
  (void)count->load(std::memory_order_acquire);
  real(this, true);
}
}  // namespace grpc::internal

namespace grpc {
class Server {
 public:
  void UnrefWithPossibleNotify();
  void UnrefAndWaitLocked();
};
void Server::UnrefWithPossibleNotify() {
  REAL(void, "_ZN4grpc6Server23UnrefWithPossibleNotifyEv", Server*);
  __tsan_release(this);
  real(this);
}
void Server::UnrefAndWaitLocked() {
  REAL(void, "_ZN4grpc6Server18UnrefAndWaitLockedEv", Server*);
  real(this);
  __tsan_acquire(this);
}
}  // namespace grpc
