// The plot of a run, as a self-contained SVG: CDN egress rate over time on top, the rarest
// piece's copies over time below, on a shared time axis.
#pragma once

#include "metrics.hpp"

#include <string>

namespace p2pcdn_sim {

std::string svg_plot(const metrics& m, const std::string& title);

}  // namespace p2pcdn_sim
