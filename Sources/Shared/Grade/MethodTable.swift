/// The paper's Table 3 over a report: one row per length-control method (a `RunKey.group`: model tag and
/// method), with Control, Scaling and Performance over that group's runs, the 95 % bootstrap interval of
/// the run that gives Performance, and |A|, the number of runs (limits) the row compares.
/// `s1-score --report --format table3` prints it; `make methods` writes it to results/methods.md.
public struct MethodTable {
    public struct Row {
        public var group: String, model: String, method: String
        /// The settings the row swept, in run order: budgets (BF), N (TCC, SCC), classes (CCC), RS's limits.
        public var settings: [String]
        public var control: Double?, scaling: Double?, performance: Double?
        public var performanceInterval: (Double, Double)?
    }

    /// The paper's row order; a method it does not list (none today) goes last.
    static let order = ["BF", "TCC", "TCC+BF", "SCC", "SCC+BF", "CCC", "CCC+BF", "RS"]

    public let rows: [Row]
    /// The report's SCC proxy, which the table's note states.
    public let tokensPerStep: Int

    public init(_ report: Report) {
        tokensPerStep = report.tokensPerStep
        let byGroup = Dictionary(grouping: report.orderedRuns, by: \.key.group)
        rows = byGroup.values.map { unordered -> Row in
            let runs = unordered.map { ($0.key.limit(tokensPerStep: report.tokensPerStep) ?? 0, $0) }
                .sorted { ($0.0, $0.1.key) < ($1.0, $1.1.key) }.map(\.1)
            let k = runs[0].key
            // Performance is the best run's accuracy; its interval is that run's (the first such run on a tie).
            let best = runs.max { $0.accuracy < $1.accuracy || ($0.accuracy == $1.accuracy && $0.key > $1.key) }
            return Row(group: k.group, model: k.model, method: k.method, settings: runs.map { Self.setting($0.key) },
                       control: Report.control(runs), scaling: Report.scaling(runs), performance: Report.performance(runs),
                       performanceInterval: best?.interval)
        }.sorted {
            let a = Self.order.firstIndex(of: $0.method) ?? Self.order.count, b = Self.order.firstIndex(of: $1.method) ?? Self.order.count
            return (a, $0.model) < (b, $1.model)
        }
    }

    /// What a run sets: its budget (BF), its control's N or class (with the budget when forced), RS's limit.
    static func setting(_ k: Grader.RunKey) -> String {
        let budget = k.budget.map(String.init) ?? "auto"
        guard let c = k.control else { return k.rejectOver.map { "≤\($0)" } ?? budget }
        let own: String
        switch PromptControl(c) {
        case .tokens(let n), .steps(let n): own = "\(n)"
        default: own = c.hasPrefix("class:") ? String(c.dropFirst(6)) : c
        }
        return k.forced && k.budget != nil ? "\(own)@\(budget)" : own
    }

    public func markdown() -> String {
        let pct = Report.percent
        var s = "| Method | Control | Scaling | Performance | 95% CI | \\|A\\| | settings |\n|---|---:|---:|---:|---:|---:|---|\n"
        for r in rows {
            let ci = Report.percentRange(r.performanceInterval)
            s += "| \(r.group) | \(pct(r.control)) | \(r.scaling.map { String(format: "%.1f", $0 * 100) } ?? "–") | \(pct(r.performance)) | \(ci) | \(r.settings.count) | \(r.settings.joined(separator: ", ")) |\n"
        }
        s += "\nControl: share of the runs whose every output's thinking stayed within the run's limit (budget, TCC's N, "
            + "SCC's N at \(tokensPerStep) tokens per step, RS's limit; CCC has none). Scaling: mean slope over pairs of runs, "
            + "accuracy points per 1,000 thinking tokens. Performance: the best run's accuracy, with its 95% bootstrap interval "
            + "over problems. |A|: runs compared. Settings `N@B`: control N with budget forcing at B tokens.\n"
        return s
    }

    public func json() -> JSONValue {
        let num = Report.number
        return .array(rows.map { r in
            .object([("group", .string(r.group)), ("model", .string(r.model)), ("method", .string(r.method)),
                     ("settings", .array(r.settings.map { .string($0) })), ("control", num(r.control)), ("scaling", num(r.scaling)),
                     ("performance", num(r.performance)),
                     ("performance_ci95", r.performanceInterval.map { .array([num($0.0), num($0.1)]) } ?? .null)])
        })
    }
}
