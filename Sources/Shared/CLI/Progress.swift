import Foundation

/// A one-line progress report on stderr (records done, tokens per second, and an ETA when the total
/// is known), redrawn at most every half second; silent unless enabled (a terminal, or --progress).
public final class Progress {
    let enabled: Bool
    let total: Int?
    let start = Date()
    var last = Date.distantPast

    public init(enabled: Bool, total: Int? = nil) {
        self.enabled = enabled
        self.total = total
    }

    public func update(records: Int, tokens: Int) {
        guard enabled, Date().timeIntervalSince(last) >= 0.5 else { return }
        last = Date()
        let dt = max(1e-9, last.timeIntervalSince(start))
        var line = String(format: "\r%d", records)
        if let total { line += "/\(total)" }
        line += String(format: " records, %d tokens, %.1f tok/s, %.0f s", tokens, Double(tokens) / dt, dt)
        if let total, records > 0 { line += String(format: ", ETA %.0f s", dt / Double(records) * Double(max(0, total - records))) }
        FileHandle.standardError.write(Data((line + "  ").utf8))
    }

    public func finish() { if enabled { FileHandle.standardError.write(Data("\n".utf8)) } }

    /// Shows a free-form status line (rate-limited like `update`).
    public func note(_ text: String) {
        guard enabled, Date().timeIntervalSince(last) >= 0.5 else { return }
        last = Date()
        FileHandle.standardError.write(Data(("\r" + text + "  ").utf8))
    }
}
