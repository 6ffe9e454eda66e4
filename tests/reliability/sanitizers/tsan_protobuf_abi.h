// Force-included (-include) into every C++ file of the ThreadSanitizer build
// (.ci/stages/20-sanitizers.sh). Not a suppression: an ABI fix.
//
// protobuf 3.21's map_field.h gives MapFieldBase two extra members (seq1_,
// seq2_) when __SANITIZE_THREAD__ is defined, as it is under -fsanitize=thread.
// Debian's libprotobuf.so was built without TSan, so its out-of-line
// MapFieldBase code (Destruct(), reflection) assumes the 72-byte layout while
// our TSan-compiled messages construct the 80-byte one: destroying any
// message with a map field (every request's `params`) read our Arena* as
// `repeated_field_` and deleted it, which crashed in
// ThreadSafeArena::SpaceAllocated or jumped to a garbage cleanup pointer.
// So map_field.h is read here once with the macro hidden, giving the library's
// layout; the macro is restored for everything after it (libstdc++, abseil
// and Highway keep their TSan-aware paths).
#pragma once

#include <cstddef>  // libstdc++'s c++config.h first: it must still see TSan

#ifdef __SANITIZE_THREAD__
#undef __SANITIZE_THREAD__
#include <google/protobuf/map_field.h>
#define __SANITIZE_THREAD__ 1
#endif
