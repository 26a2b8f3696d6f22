import Foundation

/// A one-line progress report on stderr (records done, tokens per second), redrawn at most every
/// half second; silent unless enabled (a terminal, or --progress).
public final class Progress {
    let enabled: Bool
    let start = Date()
    var last = Date.distantPast

    public init(enabled: Bool) { self.enabled = enabled }

    public func update(records: Int, tokens: Int) {
        guard enabled, Date().timeIntervalSince(last) >= 0.5 else { return }
        last = Date()
        let dt = max(1e-9, last.timeIntervalSince(start))
        FileHandle.standardError.write(Data(String(format: "\r%d records, %d tokens, %.1f tok/s, %.0f s ", records, tokens, Double(tokens) / dt, dt).utf8))
    }

    public func finish() { if enabled { FileHandle.standardError.write(Data("\n".utf8)) } }
}
