import Foundation

/// The paper's numbers over graded records (SPEC §7): accuracy and mean thinking tokens per run (model tag ×
/// budget × waits), per source, maj@k / cov@k for sampled runs, and Control / Scaling / Performance.
public struct Report {
    public struct Run {
        public var key: Grader.RunKey
        public var n = 0, correct = 0, thinkingTokens = 0
        /// Every output's thinking stayed within the run's limit (`RunKey.limit`).
        public var withinLimit = true
        /// Per record: correctness of its samples in order (for maj@k / cov@k).
        public var samples: [[Bool]] = []
        public var majorityAtK: [Int: (Int, Int)] = [:]   // k → (correct, records)
        public var accuracy: Double { n > 0 ? Double(correct) / Double(n) : 0 }
        /// Per record (its id, else source:line): correct outputs and outputs, for the bootstrap.
        public var records: [String: Bootstrap.Tally] = [:]
        /// The accuracy's 95 % bootstrap interval over the run's records.
        public var interval: (Double, Double)? {
            Bootstrap.interval(records.keys.sorted().map { records[$0]! }, stream: "\(key.model)/\(key.budget ?? -1)/\(key.waits)" + (key.control.map { "/\($0)" } ?? "") + (key.rejectOver.map { "/rs\($0)" } ?? ""))
        }
        public var meanThinking: Double { n > 0 ? Double(thinkingTokens) / Double(n) : 0 }
    }

    public private(set) var runs: [Grader.RunKey: Run] = [:]
    public private(set) var bySource: [String: [Grader.RunKey: (n: Int, correct: Int)]] = [:]
    /// SCC's token proxy: thinking tokens per step of an SCC limit (s1-score --tokens-per-step).
    public let tokensPerStep: Int

    public init(tokensPerStep: Int = 100) { self.tokensPerStep = tokensPerStep }

    /// Adds one graded record (outputs carry `correct`; `extracted` is used for majority votes).
    public mutating func add(_ r: Record) throws {
        guard let gold = Grader.gold(r) else { throw InputError(r.source, line: r.line, "record has no gold answer") }
        let source = r.string("source_type") ?? "unknown"
        let recordKey = r.string("id") ?? "\(r.source):\(r.line)"
        var perRun: [Grader.RunKey: [(String?, Bool)]] = [:]
        for o in r["outputs"]?.elements ?? [] {
            guard let ok = o["correct"]?.bool else { throw InputError(r.source, line: r.line, "an output has no `correct`: grade the records first (s1-score without --report)") }
            let k = try Grader.runKey(o, in: r)
            var run = runs[k] ?? Run(key: k)
            run.n += 1
            run.correct += ok ? 1 : 0
            run.records[recordKey, default: (0, 0)].correct += ok ? 1 : 0
            run.records[recordKey, default: (0, 0)].n += 1
            let t = try Grader.count(o, "thinking_tokens", r) ?? 0
            run.thinkingTokens += t
            if let b = k.limit(tokensPerStep: tokensPerStep), t > b { run.withinLimit = false }
            runs[k] = run
            bySource[source, default: [:]][k, default: (0, 0)].n += 1
            bySource[source, default: [:]][k, default: (0, 0)].correct += ok ? 1 : 0
            perRun[k, default: []].append((o["extracted"]?.string, ok))
        }
        for (k, items) in perRun where items.count > 1 {
            runs[k]!.samples.append(items.map(\.1))
            var kk = 1
            while kk <= items.count {
                let first = Array(items.prefix(kk))
                let m = Judge.majority(first.map(\.0), gold: gold)
                let ok = m.map { first[$0].1 } ?? false
                let prev = runs[k]!.majorityAtK[kk] ?? (0, 0)
                runs[k]!.majorityAtK[kk] = (prev.0 + (ok ? 1 : 0), prev.1 + 1)
                kk *= 2
            }
        }
    }

    public var orderedRuns: [Run] { runs.values.sorted { $0.key < $1.key } }

    /// The budget gain of each model (and wait setting): accuracy at its largest budget minus at its
    /// smallest, over the records both runs hold, with the paired bootstrap interval (the paper's Table 2).
    public var gains: [Difference] {
        let groups = Dictionary(grouping: orderedRuns.filter { $0.key.budget != nil }) { "\($0.key.model)\u{0}\($0.key.waits)" + ($0.key.control.map { "\u{0}\($0)" } ?? "") + ($0.key.rejectOver.map { "\u{0}rs\($0)" } ?? "") }
        return groups.keys.sorted().compactMap { k in
            let g = groups[k]!.sorted { $0.key.budget! < $1.key.budget! }
            guard let lo = g.first, let hi = g.last, lo.key.budget != hi.key.budget else { return nil }
            return difference(lo, hi, stream: "gain/\(k)")
        }
    }

    /// Model pairs (a, b) the report compares setting by setting (s1-score --compare A,B): b − a.
    public var comparisons: [(String, String)] = []

    /// What reports say when an SCC run's Control stands on the token proxy (`RunKey.limit`).
    var sccProxy: String {
        "SCC's Control counts \(tokensPerStep) thinking tokens per step of its limit ("
            + (tokensPerStep == 100 ? "the paper's proxy)" : "--tokens-per-step; the paper's proxy is 100)")
    }

    /// A fraction as a percentage with one decimal, "–" when absent (markdown reports).
    static func percent(_ d: Double?) -> String { d.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
    /// An interval of fractions as "[lo, hi]" in percent, "–" when absent.
    static func percentRange(_ i: (Double, Double)?) -> String { i.map { String(format: "[%.1f, %.1f]", $0.0 * 100, $0.1 * 100) } ?? "–" }
    /// A JSON number rounded to 6 decimals, null when absent (JSON reports).
    static func number(_ d: Double?) -> JSONValue { d.map { .double(($0 * 1e6).rounded() / 1e6) } ?? .null }

    /// Control: fraction of the runs with a limit (budget, TCC's N, SCC's N steps at the proxy, RS's limit) whose thinking stayed within it.
    public static func control(_ rs: [Run]) -> Double? {
        let limited = rs.filter { $0.key.limit() != nil }
        return limited.isEmpty ? nil : Double(limited.filter(\.withinLimit).count) / Double(limited.count)
    }

    /// Scaling: mean over pairs b > a (by mean thinking tokens) of Δaccuracy / Δtokens, per 1,000 tokens.
    public static func scaling(_ rs: [Run]) -> Double? {
        let s = rs.sorted { $0.meanThinking < $1.meanThinking }
        var slopes: [Double] = []
        for i in s.indices { for j in s.indices where j > i && s[j].meanThinking > s[i].meanThinking {
            slopes.append((s[j].accuracy - s[i].accuracy) / (s[j].meanThinking - s[i].meanThinking) * 1000)
        } }
        return slopes.isEmpty ? nil : slopes.reduce(0, +) / Double(slopes.count)
    }

    public static func performance(_ rs: [Run]) -> Double? { rs.map(\.accuracy).max() }

    func covAtK(_ run: Run) -> [(Int, Double)] {
        guard let maxK = run.samples.map(\.count).max(), maxK > 1 else { return [] }
        var out: [(Int, Double)] = []
        var k = 1
        while k <= maxK {
            let recs = run.samples.filter { $0.count >= k }
            out.append((k, Double(recs.filter { $0.prefix(k).contains(true) }.count) / Double(max(1, recs.count))))
            k *= 2
        }
        return out
    }

    public func json() -> JSONValue {
        let rs = orderedRuns
        let num = Self.number
        var m: [(String, JSONValue)] = [("runs", .array(rs.map { r in
            .object([("model", .string(r.key.model)), ("max_thinking_tokens", r.key.budget.map { .int($0) } ?? .null),
                     ("waits", .int(r.key.waits)), ("length_control", r.key.control.map { .string($0) } ?? .null), ("reject_over", r.key.rejectOver.map { .int($0) } ?? .null),
                     ("method", .string(r.key.method)), ("n", .int(r.n)), ("records", .int(r.records.count)), ("accuracy", num(r.accuracy)),
                     ("accuracy_ci95", r.interval.map { .array([num($0.0), num($0.1)]) } ?? .null),
                     ("mean_thinking_tokens", num(r.meanThinking))])
        }))]
        m.append(("budget_gains", .array(gains.map { g in
            .object([("model", .string(g.a.model)), ("waits", .int(g.a.waits)), ("length_control", g.a.control.map { .string($0) } ?? .null), ("from_budget", .int(g.a.budget!)), ("to_budget", .int(g.b.budget!)),
                     ("records", .int(g.records)), ("gain", num(g.difference)), ("gain_ci95", g.interval.map { .array([num($0.0), num($0.1)]) } ?? .null)])
        })))
        m.append(("wait_effects", .array(waitEffects.map(differenceJSON))))
        if !comparisons.isEmpty {
            m.append(("comparisons", .array(comparisons.map { c in
                .object([("a", .string(c.0)), ("b", .string(c.1)), ("differences", .array(comparison(c.0, c.1).map(differenceJSON)))])
            })))
        }
        m.append(("bootstrap", .object([("resamples", .int(Bootstrap.resamples)), ("unit", .string("problems (records), paired for gains"))])))
        m.append(("by_source", .array(bySource.keys.sorted().flatMap { src in
            bySource[src]!.keys.sorted().map { k in
                let v = bySource[src]![k]!
                return JSONValue.object([("source_type", .string(src)), ("model", .string(k.model)),
                                         ("max_thinking_tokens", k.budget.map { .int($0) } ?? .null), ("waits", .int(k.waits)),
                                         ("n", .int(v.n)), ("accuracy", num(Double(v.correct) / Double(max(1, v.n))))])
            }
        })))
        // Control / Scaling / Performance compare the runs of one group (a model tag and its length-control
        // method, RunKey.group) with each other: scalars for one group, objects keyed by group for several.
        let groups = Array(Set(rs.map(\.key.group))).sorted()
        for (name, f) in [("control", Self.control), ("scaling", Self.scaling), ("performance", Self.performance)] as [(String, ([Run]) -> Double?)] {
            if groups.count == 1 { m.append((name, num(f(rs)))) } else {
                m.append((name, .object(groups.map { g in (g, num(f(rs.filter { $0.key.group == g }))) })))
            }
        }
        if rs.contains(where: { $0.key.method.hasPrefix("SCC") }) { m.append(("scc_control_proxy", .string(sccProxy))) }
        m.append(("methods", MethodTable(self).json()))
        let sampled = rs.filter { !$0.majorityAtK.isEmpty }
        if !sampled.isEmpty {
            m.append(("maj_at_k", .array(sampled.map { r in
                .object([("model", .string(r.key.model)), ("max_thinking_tokens", r.key.budget.map { .int($0) } ?? .null), ("waits", .int(r.key.waits)),
                         ("values", .object(r.majorityAtK.keys.sorted().map { k in ("\(k)", num(Double(r.majorityAtK[k]!.0) / Double(max(1, r.majorityAtK[k]!.1)))) }))])
            })))
            m.append(("cov_at_k", .array(sampled.map { r in
                .object([("model", .string(r.key.model)), ("max_thinking_tokens", r.key.budget.map { .int($0) } ?? .null), ("waits", .int(r.key.waits)),
                         ("values", .object(covAtK(r).map { ("\($0.0)", num($0.1)) }))])
            })))
        }
        return .object(m)
    }

    public func markdown() -> String {
        let rs = orderedRuns
        func pct(_ d: Double) -> String { Self.percent(d) }
        let range = Self.percentRange
        var s = "| model | control | max thinking tokens | waits | n | accuracy | 95% CI | mean thinking tokens |\n|---|---|---:|---:|---:|---:|---:|---:|\n"
        for r in rs {
            s += "| \(r.key.model) | \(r.key.control ?? r.key.rejectOver.map { "reject-over:\($0)" } ?? "–") | \(r.key.budget.map(String.init) ?? "–") | \(r.key.waits) | \(r.n) | \(pct(r.accuracy)) | \(range(r.interval)) | \(String(format: "%.0f", r.meanThinking)) |\n"
        }
        let gs = gains
        if !gs.isEmpty {
            s += "\n| model | waits | budget | problems | accuracy gain (points) | 95% CI (paired) |\n|---|---:|---|---:|---:|---:|\n"
            for g in gs {
                s += "| \(g.a.model)\(g.a.control.map { " (\($0))" } ?? "") | \(g.a.waits) | \(g.a.budget!) → \(g.b.budget!) | \(g.records) | \(String(format: "%+.1f", g.difference * 100)) | \(range(g.interval)) |\n"
            }
        }
        let ws = waitEffects
        if !ws.isEmpty { s += "\nWhat forced waits do: each wait run against the same model's run without waits at the same budget.\n\n" + differenceTable(ws, a: "no waits", b: "with waits") }
        for (a, b) in comparisons {
            let ds = comparison(a, b)
            s += "\n\(b) against \(a), setting by setting (\(b) − \(a)):\n\n" + (ds.isEmpty ? "(no settings in common)\n" : differenceTable(ds, a: a, b: b))
        }
        s += "\nIntervals: percentile bootstrap over problems, \(Bootstrap.resamples) seeded resamples; gains resample both runs' problems together.\n"
        s += "\n| source_type | " + rs.map { "\($0.key.model) @\($0.key.budget.map(String.init) ?? "–")" + ($0.key.waits > 0 ? " w\($0.key.waits)" : "") }.joined(separator: " | ") + " |\n"
        s += "|---|" + rs.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for src in bySource.keys.sorted() {
            s += "| \(src) | " + rs.map { r in bySource[src]![r.key].map { pct(Double($0.correct) / Double(max(1, $0.n))) + " (\($0.n))" } ?? "–" }.joined(separator: " | ") + " |\n"
        }
        let sampled = rs.filter { !$0.majorityAtK.isEmpty }
        if !sampled.isEmpty {
            s += "\n| run | " + "k: maj@k / cov@k" + " |\n|---|---|\n"
            for r in sampled {
                let cov = Dictionary(uniqueKeysWithValues: covAtK(r))
                let cells = r.majorityAtK.keys.sorted().map { k in "\(k): \(pct(Double(r.majorityAtK[k]!.0) / Double(max(1, r.majorityAtK[k]!.1)))) / \(cov[k].map(pct) ?? "–")" }
                s += "| \(r.key.model) @\(r.key.budget.map(String.init) ?? "–") | " + cells.joined(separator: ", ") + " |\n"
            }
        }
        s += "\n"
        for g in Array(Set(rs.map(\.key.group))).sorted() {
            let sub = rs.filter { $0.key.group == g }
            s += "\(g): Control \(Self.control(sub).map(pct) ?? "–")  ·  Scaling \(Self.scaling(sub).map { String(format: "%.2f points per 1,000 tokens", $0 * 100) } ?? "–")  ·  Performance \(Self.performance(sub).map(pct) ?? "–")\n"
        }
        if rs.contains(where: { $0.key.method.hasPrefix("SCC") }) { s += sccProxy + ".\n" }
        return s
    }

    /// Accuracy against mean thinking tokens (the paper's Figure 1): one line per model tag, wait setting and
    /// length-control method, one point per run, with its 95 % bootstrap interval as an error bar.
    public func svg() -> String {
        let rs = orderedRuns
        let label = { (k: Grader.RunKey) in
            k.model + (k.waits > 0 ? " +\(k.waits) wait" + (k.waits > 1 ? "s" : "") : "") + (k.method == "BF" ? "" : " · \(k.method)")
        }
        let lines = Dictionary(grouping: rs) { label($0.key) }
        var chart = SVGChart(xLabel: "Average thinking time (tokens)", yLabel: "Accuracy (%)", series: lines.keys.sorted().map { name in
            SVGChart.Series(label: name, points: lines[name]!.sorted { $0.meanThinking < $1.meanThinking }.map { SVGChart.Point(x: $0.meanThinking, y: $0.accuracy, bar: $0.interval) })
        })
        chart.yMax = 1
        chart.yTick = { "\(Int(($0 * 100).rounded()))%" }
        return chart.render()
    }
}
