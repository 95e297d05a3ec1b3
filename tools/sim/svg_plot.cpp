#include "svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace p2pcdn_sim {
namespace {

constexpr double width = 800;
constexpr double panel_height = 220;
constexpr double left = 70;
constexpr double right = 20;
constexpr double top = 40;
constexpr double gap = 50;

// 1, 2 or 5 times a power of ten, at least span / 5: about five ticks.
double tick_step(double span) {
    if (span <= 0) {
        return 1;
    }
    const double raw = span / 5;
    const double base = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * base >= raw) {
            return m * base;
        }
    }
    return 10 * base;
}

std::string escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

struct panel {
    double y0;  // top of the panel
    double y_max;
    const char* label;
    const char* colour;
};

void draw_panel(std::string& out, const panel& p, double t_max, const std::vector<sample_point>& s,
                const std::function<double(const sample_point&)>& value) {
    const double plot_w = width - left - right;
    const auto x_of = [&](double t) { return left + (t_max > 0 ? t / t_max : 0) * plot_w; };
    const auto y_of = [&](double v) {
        return p.y0 + panel_height - (p.y_max > 0 ? v / p.y_max : 0) * panel_height;
    };
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n",
        left, p.y0, plot_w, panel_height);
    const double y_step = tick_step(p.y_max);
    for (double v = 0; v <= p.y_max + 1e-9; v += y_step) {
        out += fmt::format(
            "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
            "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" font-size=\"11\">{5:g}</text>\n",
            left, width - right, y_of(v), left - 6, y_of(v) + 4, v);
    }
    const double t_step = tick_step(t_max);
    for (double t = 0; t <= t_max + 1e-9; t += t_step) {
        out += fmt::format(
            "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"11\">{:g}</text>\n",
            x_of(t), p.y0 + panel_height + 15, t);
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
                       left, p.y0 - 8, p.label);
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"",
                       p.colour);
    for (const sample_point& point : s) {
        out += fmt::format("{:.1f},{:.1f} ", x_of(point.time), y_of(value(point)));
    }
    out += "\"/>\n";
}

}  // namespace

std::string svg_plot(const metrics& m, const std::string& title) {
    const double height = top + 2 * panel_height + gap + 40;
    std::string out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
        "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text x=\"{2}\" y=\"18\" font-size=\"14\">{3}</text>\n",
        width, height, left, escape(title));
    double t_max = 0;
    double rate_max = 0;
    std::uint32_t copies_max = 0;
    for (const sample_point& p : m.series) {
        t_max = std::max(t_max, p.time);
        rate_max = std::max(rate_max, p.cdn_rate * 8 / 1e6);
        copies_max = std::max(copies_max, p.min_copies);
    }
    const auto ceil_to_tick = [](double v) {
        const double step = tick_step(v);
        return v > 0 ? std::ceil(v / step) * step : 1.0;
    };
    draw_panel(out, {top + 20, ceil_to_tick(rate_max), "CDN egress (Mbit/s)", "#c0392b"}, t_max,
               m.series, [](const sample_point& p) { return p.cdn_rate * 8 / 1e6; });
    draw_panel(out,
               {top + 20 + panel_height + gap, ceil_to_tick(copies_max),
                "minimum copies of a piece among the UEs", "#2471a3"},
               t_max, m.series, [](const sample_point& p) { return double(p.min_copies); });
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">time "
        "(s)</text>\n</svg>\n",
        left + (width - left - right) / 2, height - 5);
    return out;
}

}  // namespace p2pcdn_sim
