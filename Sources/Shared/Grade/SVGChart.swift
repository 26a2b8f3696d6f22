import Foundation

/// The reports' line charts as plain SVG (no plotting library): accuracy against mean thinking tokens
/// (s1-score --plot, the paper's Figure 1) and the training loss against the step (s1-score --loss-plot).
/// Axes start at 0 and end on a round tick (1, 2 or 5 × 10^k, about five of them); each series is a
/// polyline, with optional markers and vertical error bars, and a legend entry on the right.
public struct SVGChart {
    public struct Point {
        public var x: Double, y: Double
        /// An error bar from y = bar.0 to bar.1 (a 95 % interval), if any.
        public var bar: (Double, Double)? = nil
        public init(x: Double, y: Double, bar: (Double, Double)? = nil) { self.x = x; self.y = y; self.bar = bar }
    }

    public struct Series {
        public var label: String
        public var points: [Point]
        public var markers: Bool
        public init(label: String, points: [Point], markers: Bool = true) { self.label = label; self.points = points; self.markers = markers }
    }

    public var xLabel: String, yLabel: String
    public var series: [Series]
    /// The y axis's top; nil: a round value above the data (error bars included).
    public var yMax: Double? = nil
    /// How a y tick is printed.
    public var yTick: (Double) -> String = { SVGChart.plain($0) }

    public init(xLabel: String, yLabel: String, series: [Series]) { self.xLabel = xLabel; self.yLabel = yLabel; self.series = series }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// A round tick step for an axis from 0 to about `top`, and the axis's end (a multiple of the step).
    static func ticks(_ top: Double) -> (step: Double, end: Double) {
        let raw = top > 0 && top.isFinite ? top : 1
        let mag = pow(10, floor(log10(raw / 5)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { raw / $0 <= 6 } ?? 10 * mag
        return (step, max(step, ceil(raw / step) * step))
    }

    static func plain(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%g", v)
    }

    static func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public func render() -> String {
        let w = 640.0, h = 420.0, left = 70.0, right = 170.0, top = 30.0, bottom = 60.0
        let pts = series.flatMap(\.points)
        let xt = Self.ticks((pts.map(\.x).max() ?? 1) * 1.05)
        let yt = yMax.map { (step: $0 / 5, end: $0) } ?? Self.ticks((pts.flatMap { [$0.y, $0.bar?.1 ?? $0.y] }.max() ?? 1) * 1.05)
        let px = { (x: Double) in left + x / xt.end * (w - left - right) }
        let py = { (y: Double) in top + (1 - y / yt.end) * (h - top - bottom) }
        let f = { (v: Double) in String(format: "%.1f", v) }
        var s = #"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420" font-family="sans-serif" font-size="12">"# + "\n"
        s += #"<rect width="640" height="420" fill="white"/>"# + "\n"
        s += "<line x1=\"\(left)\" y1=\"\(py(0))\" x2=\"\(w - right)\" y2=\"\(py(0))\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(left)\" y1=\"\(py(0))\" x2=\"\(left)\" y2=\"\(f(py(yt.end)))\" stroke=\"black\"/>\n"
        var y = 0.0
        while y <= yt.end + yt.step / 2 {
            s += "<text x=\"\(left - 8)\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(yTick(y))</text>\n"
            s += "<line x1=\"\(left)\" y1=\"\(f(py(y)))\" x2=\"\(w - right)\" y2=\"\(f(py(y)))\" stroke=\"#ddd\"/>\n"
            y += yt.step
        }
        var x = 0.0
        while x <= xt.end + xt.step / 2 {
            s += "<text x=\"\(f(px(x)))\" y=\"\(py(0) + 18)\" text-anchor=\"middle\">\(Self.plain(x))</text>\n"
            x += xt.step
        }
        s += "<text x=\"\((left + w - right) / 2)\" y=\"\(h - 15)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(18,\((top + h - bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (i, line) in series.enumerated() {
            let c = Self.colors[i % Self.colors.count]
            s += "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\" points=\"" + line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ") + "\"/>\n"
            for p in line.points {
                if let (lo, hi) = p.bar {
                    let x = f(px(p.x)), x0 = f(px(p.x) - 4), x1 = f(px(p.x) + 4)
                    s += "<line x1=\"\(x)\" y1=\"\(f(py(lo)))\" x2=\"\(x)\" y2=\"\(f(py(hi)))\" stroke=\"\(c)\" stroke-width=\"1.5\"/>\n"
                    for v in [lo, hi] { s += "<line x1=\"\(x0)\" y1=\"\(f(py(v)))\" x2=\"\(x1)\" y2=\"\(f(py(v)))\" stroke=\"\(c)\" stroke-width=\"1.5\"/>\n" }
                }
                if line.markers { s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"4\" fill=\"\(c)\"/>\n" }
            }
            s += "<rect x=\"\(w - right + 15)\" y=\"\(top + Double(i) * 20)\" width=\"12\" height=\"12\" fill=\"\(c)\"/>\n"
            s += "<text x=\"\(w - right + 32)\" y=\"\(top + Double(i) * 20 + 10)\">\(Self.escape(line.label))</text>\n"
        }
        return s + "</svg>\n"
    }
}
