// The catalogue: the one list of activations. The server, the client and the
// tests read it; nothing else lists activations.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compute/activation.h"
#include "compute/status.h"

namespace activation {

// Every activation, in catalogue order.
const std::vector<Activation>& Catalogue();

// Looks up a name or alias; nullptr when unknown.
const Activation* FindActivation(std::string_view name_or_alias);

// "step, sigmoid, tanh, ..." for error messages.
std::string CatalogueNames();

// Looks up `name` and fills `*found`; the error names the activation and
// lists the valid names.
Status ResolveActivation(std::string_view name, const Activation** found);

// Parameters as sent by a caller, by name.
using GivenParams = std::vector<std::pair<std::string_view, double>>;

// Fills args->param from defaults and `given`. Errors name the parameter,
// the value and the valid range: unknown names, missing required ones,
// NaN/inf, out of range, and violated relations between parameters.
Status ResolveParams(const Activation& activation, const GivenParams& given, KernelArgs* args);

// Shortest decimal form that reads back as `v` ("0.1", "1e-30", "inf"), for messages.
std::string FormatNumber(double v);

// The figures for the target the kernels dispatch to now; the published
// worst when that target was not measured.
UlpFigures AccuracyOnCurrentTarget(const Accuracy& accuracy);

// "(0, inf)", "[-inf, inf], != 0", ... as shown in errors and the catalogue.
std::string DescribeRange(const ParamSpec& spec);

}  // namespace activation
