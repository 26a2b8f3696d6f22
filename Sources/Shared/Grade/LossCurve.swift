/// The training loss curve (issue 19): s1-sft's step log (one JSON line per optimizer step: `step`, `loss`,
/// `lr`, …) read back and drawn as an SVG line chart of loss against step, with a one-line summary. The log
/// of a resumed run is the concatenation of its parts; a step logged twice keeps its last line.
public struct LossCurve {
    public private(set) var steps: [Int: Double] = [:]

    public init() {}

    /// One line of the log. A line that is not a step record is bad input, named by file and line.
    public mutating func add(_ r: Record) throws {
        guard let step = r["step"]?.int, step >= 0 else { throw InputError(r.source, line: r.line, "not a training step record: no whole `step` (s1-sft's log has one JSON line per step)") }
        guard let loss = r["loss"]?.double, loss.isFinite else { throw InputError(r.source, line: r.line, "step \(step) has no finite `loss`") }
        steps[step] = loss
    }

    public var points: [(step: Int, loss: Double)] { steps.keys.sorted().map { ($0, steps[$0]!) } }

    public var summary: String {
        let p = points
        guard let first = p.first, let last = p.last, let low = p.min(by: { $0.loss < $1.loss }) else { return "no steps" }
        return String(format: "%d steps (%d–%d): loss %.4f → %.4f, lowest %.4f at step %d", p.count, first.step, last.step, first.loss, last.loss, low.loss, low.step)
    }

    public func svg() -> String {
        let p = points
        var chart = SVGChart(xLabel: "Optimizer step", yLabel: "Training loss (mean NLL per assistant token)",
                             series: [SVGChart.Series(label: "loss", points: p.map { SVGChart.Point(x: Double($0.step), y: $0.loss) }, markers: p.count <= 40)])
        chart.yTick = { String(format: "%g", $0) }
        return chart.render()
    }
}
