/// Differences between two runs of the same problems, each with its paired bootstrap interval (the paper's
/// Table 2 style): the budget gain of a model (smallest → largest budget), what forced waits do at a budget
/// (waits W − waits 0), and one model against another at the same setting (`s1-score --compare A,B`: the
/// data ablation, s1K's selection against a random one). Only problems both runs hold are compared.
extension Report {
    public struct Difference {
        /// The two runs: the difference is accuracy(b) − accuracy(a).
        public var a: Grader.RunKey, b: Grader.RunKey
        public var records: Int
        public var accuracyA: Double, accuracyB: Double
        public var difference: Double { accuracyB - accuracyA }
        public var interval: (Double, Double)?
    }

    /// b − a over their common records; nil when they share none.
    func difference(_ a: Run, _ b: Run, stream: String) -> Difference? {
        let common = a.records.keys.filter { b.records[$0] != nil }.sorted()
        guard !common.isEmpty else { return nil }
        let pairs = common.map { (a: a.records[$0]!, b: b.records[$0]!) }
        func acc(_ t: [Bootstrap.Tally]) -> Double { Double(t.reduce(0) { $0 + $1.correct }) / Double(max(1, t.reduce(0) { $0 + $1.n })) }
        return Difference(a: a.key, b: b.key, records: common.count, accuracyA: acc(pairs.map(\.a)), accuracyB: acc(pairs.map(\.b)),
                          interval: Bootstrap.pairedInterval(pairs, stream: stream))
    }

    /// Each run with forced waits against the same model's run without waits at the same budget and control.
    public var waitEffects: [Difference] {
        orderedRuns.filter { $0.key.waits > 0 && $0.key.budget != nil }.compactMap { r in
            var k0 = r.key
            k0.waits = 0
            return runs[k0].flatMap { difference($0, r, stream: "waits/\(r.key.model)/\(r.key.budget!)/\(r.key.waits)/\(r.key.control ?? "")") }
        }
    }

    /// Model `b` against model `a` at every setting both were run at (budget, waits, control, RS limit).
    public func comparison(_ a: String, _ b: String) -> [Difference] {
        orderedRuns.filter { $0.key.model == b }.compactMap { r in
            var ka = r.key
            ka.model = a
            return runs[ka].flatMap { difference($0, r, stream: "compare/\(a)/\(b)/\(r.key.budget ?? -1)/\(r.key.waits)/\(r.key.control ?? "")/\(r.key.rejectOver ?? -1)") }
        }
    }

    /// The markdown table of a list of differences; `a` and `b` head the two accuracy columns.
    func differenceTable(_ ds: [Difference], a: String, b: String) -> String {
        var s = "| model | budget | waits | problems | \(a) | \(b) | difference (points) | 95% CI (paired) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for d in ds {
            s += "| \(d.b.model)\(d.b.control.map { " (\($0))" } ?? "") | \(d.b.budget.map(String.init) ?? "–") | \(d.b.waits) | \(d.records) | "
                + "\(Self.percent(d.accuracyA)) | \(Self.percent(d.accuracyB)) | \(String(format: "%+.1f", d.difference * 100)) | \(Self.percentRange(d.interval)) |\n"
        }
        return s
    }

    func differenceJSON(_ d: Difference) -> JSONValue {
        let num = Self.number
        func key(_ k: Grader.RunKey) -> JSONValue {
            .object([("model", .string(k.model)), ("max_thinking_tokens", k.budget.map { .int($0) } ?? .null), ("waits", .int(k.waits)),
                     ("length_control", k.control.map { .string($0) } ?? .null), ("reject_over", k.rejectOver.map { .int($0) } ?? .null)])
        }
        return .object([("a", key(d.a)), ("b", key(d.b)), ("records", .int(d.records)), ("accuracy_a", num(d.accuracyA)), ("accuracy_b", num(d.accuracyB)),
                        ("difference", num(d.difference)), ("difference_ci95", d.interval.map { .array([num($0.0), num($0.1)]) } ?? .null)])
    }
}
