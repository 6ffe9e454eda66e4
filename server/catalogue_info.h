// The ListActivations answer, built from the compute library's catalogue.
#pragma once

#include "activation/v1/activation.pb.h"

namespace activation::server {

// Built once on first use; the catalogue never changes while running.
const v1::ListActivationsResponse& CatalogueResponse();

}  // namespace activation::server
