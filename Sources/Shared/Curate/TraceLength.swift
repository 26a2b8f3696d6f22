/// How long a record's reasoning trace is: the `thinking_trajectories` strings joined as §4 joins them.
/// Counted in Unicode characters until a tokenizer is given (then in tokens); `unit` says which, and
/// every tool that ranks or thresholds by length prints it.
public struct TraceLength {
    public let unit: String
    private let count: (String) -> Int

    public static let characters = TraceLength(unit: "characters") { $0.unicodeScalars.count }

    public init(unit: String, count: @escaping (String) -> Int) {
        self.unit = unit
        self.count = count
    }

    public static func traceText(_ r: Record) -> String? {
        guard let t = r["thinking_trajectories"] else { return nil }
        let parts = t.strings
        return parts.isEmpty ? nil : parts.joined(separator: "\n").trimmed
    }

    public func measure(_ r: Record) -> Int { Self.traceText(r).map(count) ?? 0 }
}
